package org.tarpo4j.examples.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** PNG charts of the report, drawn with XChart. */
final class Charts {
    private Charts() {}

    /** A metric over training steps, one line per run, smoothed with a moving average so trends read through noise. */
    static void lines(Path png, String title, String yLabel, List<RunData> runs, String metric, int smooth) throws IOException {
        XYChart c = new XYChartBuilder().width(720).height(400).title(title).xAxisTitle("step").yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setMarkerSize(0);
        for (RunData r : runs) {
            double[] y = movingAverage(r.series(metric), smooth);
            if (y.length == 0) continue;
            c.addSeries(r.name(), r.steps(), y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Grouped bars with 95% error bars. */
    static void bars(Path png, String title, String yLabel, List<String> categories, List<String> series, double[][] values,
                     double[][] errors) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(720).height(400).title(title).yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        for (int s = 0; s < series.size(); s++) {
            List<Double> v = new java.util.ArrayList<>(), e = new java.util.ArrayList<>();
            for (int k = 0; k < categories.size(); k++) {
                v.add(values[s][k]);
                e.add(errors == null || Double.isNaN(errors[s][k]) ? 0.0 : errors[s][k]);
            }
            c.addSeries(series.get(s), categories, v, e);
        }
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static double[] movingAverage(double[] x, int window) {
        double[] out = new double[x.length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            n++;
            if (n > window) {
                sum -= x[i - window];
                n--;
            }
            out[i] = sum / n;
        }
        return out;
    }
}
