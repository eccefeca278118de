package org.tarpo4j.examples.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** PNG charts of the report, drawn with XChart. */
final class Charts {
    private Charts() {}

    /** Every axis of every chart prints its numbers the same way (no switch to 1.0E-4 on one chart and 0.1 on another). */
    static final String AXIS_NUMBERS = "#,##0.####";
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    /** The chart title's note on smoothing, e.g. {@code "moving average over 10 steps, raw values faint"}. */
    static String smoothingNote(int window) {
        return window <= 1 ? "raw values, no smoothing" : "moving average over " + window + " steps, raw values faint";
    }

    /**
     * A metric over training steps, one line per run: the raw values faint, and over them a moving average of
     * {@code smooth} steps so that trends read through the noise.
     */
    static void lines(Path png, String title, String yLabel, List<RunData> runs, String metric, int smooth) throws IOException {
        XYChart c = new XYChartBuilder().width(720).height(400).title(title + " (" + smoothingNote(smooth) + ")")
                .xAxisTitle("step").yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE).setMarkerSize(0);
        c.getStyler().setYAxisDecimalPattern(AXIS_NUMBERS).setXAxisDecimalPattern(AXIS_NUMBERS);
        for (int i = 0; i < runs.size(); i++) {
            RunData r = runs.get(i);
            double[] raw = r.series(metric);
            if (raw.length == 0) continue;
            Color color = PALETTE[i % PALETTE.length];
            if (smooth > 1) {
                XYSeries faint = c.addSeries(r.name() + " (raw)", r.steps(), raw);
                faint.setMarker(SeriesMarkers.NONE).setLineColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 60))
                        .setLineWidth(1f).setShowInLegend(false);
            }
            c.addSeries(r.name(), r.steps(), movingAverage(raw, smooth)).setMarker(SeriesMarkers.NONE).setLineColor(color);
        }
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Grouped bars with 95% error bars. */
    static void bars(Path png, String title, String yLabel, List<String> categories, List<String> series, double[][] values,
                     double[][] errors) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(720).height(400).title(title).yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setYAxisDecimalPattern(AXIS_NUMBERS);
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

    /**
     * A ratio per category with its (possibly asymmetric) 95% interval: the estimate as a line with markers, the
     * interval's ends as dashed lines; categories without data are left empty. XChart's error bars are symmetric only.
     */
    static void intervals(Path png, String title, String xLabel, String yLabel, List<String> categories, double[] estimate,
                          double[] low, double[] high) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(720).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        c.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setOverlapped(true); // the three series share each category's x, not side by side as bars
        c.getStyler().setYAxisDecimalPattern(AXIS_NUMBERS);
        Color color = PALETTE[0];
        c.addSeries("estimate", categories, gaps(estimate)).setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color).setLineColor(color);
        c.addSeries("95% interval", categories, gaps(low)).setMarker(SeriesMarkers.NONE).setLineColor(color)
                .setLineStyle(SeriesLines.DASH_DASH);
        c.addSeries("95% interval (high end)", categories, gaps(high)).setMarker(SeriesMarkers.NONE).setLineColor(color)
                .setLineStyle(SeriesLines.DASH_DASH).setShowInLegend(false);
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** NaN (no data) as a gap. */
    private static List<Double> gaps(double[] v) {
        List<Double> out = new java.util.ArrayList<>();
        for (double x : v) out.add(Double.isNaN(x) ? null : x);
        return out;
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
