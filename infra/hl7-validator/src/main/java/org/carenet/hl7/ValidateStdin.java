package org.carenet.hl7;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * The official HL7 FHIR R4 validator (HAPI's FhirInstanceValidator) kept running for many
 * documents: JSON documents one per line on stdin (or files given as arguments), one JSON line
 * per document on stdout: {"index":n,"errors":[{"severity","location","message"}],"warnings":k,
 * "warningMessages":[...]}. Errors are the messages of severity error and fatal. A line "READY" on
 * stderr once warmed up.
 */
public final class ValidateStdin {
  private ValidateStdin() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    FhirContext context = FhirContext.forR4();
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(context),
            new InMemoryTerminologyServerValidationSupport(context),
            new CommonCodeSystemsTerminologyService(context),
            new SnapshotGeneratingValidationSupport(context));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    FhirValidator validator = context.newValidator();
    validator.registerValidatorModule(instanceValidator);
    // Warm up (loads the R4 structure definitions) so that the first real document is fast.
    validator.validateWithResult("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"warm-up\"}}");
    System.err.println("READY");
    int index = 0;
    if (args.length > 0) {
      for (String file : args) {
        out.println(validate(validator, index++, Files.readString(Path.of(file))));
      }
      return;
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) continue;
      out.println(validate(validator, index++, line));
    }
  }

  private static String validate(FhirValidator validator, int index, String document) {
    StringBuilder json = new StringBuilder("{\"index\":").append(index).append(",\"errors\":[");
    StringBuilder warningMessages = new StringBuilder();
    int warnings = 0;
    boolean first = true;
    try {
      ValidationResult result = validator.validateWithResult(document);
      for (SingleValidationMessage message : result.getMessages()) {
        ResultSeverityEnum severity = message.getSeverity();
        if (severity == ResultSeverityEnum.WARNING) {
          if (warnings++ > 0) warningMessages.append(',');
          appendMessage(warningMessages, severity.getCode(), message.getLocationString(), message.getMessage());
        }
        if (severity != ResultSeverityEnum.ERROR && severity != ResultSeverityEnum.FATAL) continue;
        if (!first) json.append(',');
        first = false;
        appendMessage(json, severity.getCode(), message.getLocationString(), message.getMessage());
      }
    } catch (Exception e) {
      if (!first) json.append(',');
      appendMessage(json, "fatal", "", "the validator threw " + e);
    }
    return json.append("],\"warnings\":")
        .append(warnings)
        .append(",\"warningMessages\":[")
        .append(warningMessages)
        .append("]}")
        .toString();
  }

  private static void appendMessage(StringBuilder json, String severity, String location, String message) {
    json.append("{\"severity\":");
    quote(json, severity);
    json.append(",\"location\":");
    quote(json, location == null ? "" : location);
    json.append(",\"message\":");
    quote(json, message == null ? "" : message);
    json.append('}');
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
          else json.append(c);
        }
      }
    }
    json.append('"');
  }
}
