package org.tarpo4j.rl.spark;

import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Spark settings of a driver whose master is on this machine. Spark's web UI binds to the address in the
 * environment variable {@code SPARK_LOCAL_IP} or, without one, to every interface (no setting moves it), and advertises
 * {@code SPARK_PUBLIC_DNS} or the host's name. Spark reads both through {@link SparkConf#getenv}, so this conf answers
 * 127.0.0.1 for them where the environment does not set them, and keeps doing so in the copy {@code SparkContext} makes.
 */
final class LoopbackConf extends SparkConf {
    private static final String LOOPBACK = "127.0.0.1";

    /** @param loadDefaults whether to read {@code spark.*} system properties, as {@link SparkConf#SparkConf(boolean)} */
    LoopbackConf(boolean loadDefaults) {
        super(loadDefaults);
    }

    @Override
    public String getenv(String name) {
        String value = super.getenv(name);
        boolean address = name.equals("SPARK_LOCAL_IP") || name.equals("SPARK_PUBLIC_DNS");
        return value == null && address ? LOOPBACK : value;
    }

    @Override
    public SparkConf clone() {
        LoopbackConf copy = new LoopbackConf(false);
        for (Tuple2<String, String> kv : getAll()) copy.set(kv._1(), kv._2());
        return copy;
    }
}
