# Sourced by the Spark scripts: sets spark_opens to the module openings Spark's own launcher (spark-submit) passes
# on Java 17 and later.
spark_opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  spark_opens="$spark_opens --add-opens=java.base/$p=ALL-UNNAMED"
done
