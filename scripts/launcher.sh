# Shared by the launchers ./socketpair-example and ./socketpair-bench (sourced, not run).
#   build_if_stale JAR MODULE NAME   builds MODULE (and what it needs) when JAR is missing or
#                                    older than the sources; NAME prefixes its message
#   find_java25 NAME                 sets java_cmd to a JDK 25 or newer on this machine, or
#                                    exits 2 with a message prefixed by NAME

build_if_stale() {
  local jar="$1" module="$2" name="$3"
  if [ ! -f "$jar" ] || [ -n "$(find "$here/pom.xml" "$here/socketpair4j-core/pom.xml" \
      "$here/socketpair4j-core/src/main" "$here/$module/pom.xml" "$here/$module/src/main" \
      -newer "$jar" -print -quit)" ]; then
    echo "$name: building (./mvnw -q -DskipTests -pl $module -am package)" >&2
    (cd "$here" && ./mvnw -q -B -DskipTests -pl "$module" -am package >&2)
  fi
}

# The feature version of a java executable, e.g. 25; empty if it cannot be run.
java_feature() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1 || true
}

find_java25() {
  local name="$1" candidate feature
  java_cmd=""
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
      /usr/lib/jvm/*/bin/java "$HOME"/.jdks/*/bin/java /opt/java/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    feature="$(java_feature "$candidate")"
    if [ -n "$feature" ] && [ "$feature" -ge 25 ]; then
      java_cmd="$candidate"
      return 0
    fi
  done
  echo "$name: needs a JDK 25 or newer; none found (looked at JAVA_HOME, PATH," \
    "/usr/lib/jvm, ~/.jdks, /opt/java)" >&2
  exit 2
}
