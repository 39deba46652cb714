/** carenet's release, as shown in CapabilityStatement.software.version and in logs. */
export const CARENET_VERSION = '0.1.0';
