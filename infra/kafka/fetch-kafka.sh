#!/usr/bin/env bash
# Resolve the Kafka broker jars of infra/kafka/pom.xml from Maven Central into <lib-dir>.
#
#   infra/kafka/fetch-kafka.sh <lib-dir>
#
# Idempotent: does nothing when <lib-dir> is already complete (it is written atomically).
# Maven keeps its own cache in ~/.m2, so a second lib dir is cheap.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib=${1:?lib dir}
[ -f "$lib/.complete" ] && exit 0
if ! command -v mvn >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "fetch-kafka: installing Maven from Debian packages (once)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2
  else
    echo "fetch-kafka: Maven (mvn) is required: sudo apt-get install -y maven" >&2; exit 1
  fi
fi
staging="$lib.tmp-$$"
rm -rf "$staging"
mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$staging"
touch "$staging/.complete"
mkdir -p "$(dirname "$lib")"
if ! mv -T "$staging" "$lib" 2>/dev/null; then rm -rf "$staging"; [ -f "$lib/.complete" ]; fi
