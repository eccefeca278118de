package org.tarpo4j.rl.spark;

import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Spark settings of a driver whose master is on this machine: everything it opens listens on 127.0.0.1. The driver
 * binds there by its settings; Spark's web UI binds to the address in the environment variable {@code SPARK_LOCAL_IP}
 * or, without one, to every interface (no setting moves it), and advertises {@code SPARK_PUBLIC_DNS} or the host's
 * name. Spark reads both through {@link SparkConf#getenv}, so this conf answers 127.0.0.1 for them where the
 * environment does not set them, and keeps doing so in the copy {@code SparkContext} makes.
 */
final class LoopbackConf extends SparkConf {
    private static final String LOOPBACK = "127.0.0.1";

    private LoopbackConf(boolean loadDefaults) {
        super(loadDefaults);
    }

    /** @return the {@code spark.*} system properties, then the driver's address where they do not set it */
    static LoopbackConf withDefaults() {
        LoopbackConf conf = new LoopbackConf(true);
        conf.setIfMissing("spark.driver.host", LOOPBACK);
        conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
        return conf;
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
