#!/usr/bin/env bash
# Resolve the HL7 FHIR validator jars of infra/hl7-validator/pom.xml from Maven Central into
# <dir>/lib and compile ValidateStdin.java into <dir>/classes (system Java 17's javac).
#
#   infra/hl7-validator/fetch-validator.sh <dir>
#   java -cp '<dir>/lib/*:<dir>/classes' org.carenet.hl7.ValidateStdin [files...]
#
# Idempotent: does nothing when <dir> is already complete (it is written atomically). The cache
# key (<dir>'s name, chosen by the caller) covers this pom and the Java source.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?target dir}
[ -f "$dir/.complete" ] && exit 0
if ! command -v mvn >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "fetch-validator: installing Maven from Debian packages (once)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2
  else
    echo "fetch-validator: Maven (mvn) is required: sudo apt-get install -y maven" >&2; exit 1
  fi
fi
command -v javac >/dev/null || { echo "fetch-validator: a JDK 17 (javac) is required: sudo apt-get install -y openjdk-17-jdk-headless" >&2; exit 1; }
staging="$dir.tmp-$$"
rm -rf "$staging"
trap 'rm -rf "$staging"' EXIT
mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$staging/lib"
javac -nowarn -encoding UTF-8 --release 17 -cp "$staging/lib/*" -d "$staging/classes" \
  "$here/src/main/java/org/carenet/hl7/ValidateStdin.java"
touch "$staging/.complete"
mkdir -p "$(dirname "$dir")"
if ! mv -T "$staging" "$dir" 2>/dev/null; then [ -f "$dir/.complete" ]; fi
