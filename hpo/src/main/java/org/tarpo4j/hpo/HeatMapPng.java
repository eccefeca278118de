package org.tarpo4j.hpo;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws a {@link ScoreGrid} as a PNG heat map with the mean score printed in each cell; empty cells stay blank. */
final class HeatMapPng {
    private HeatMapPng() {}

    /** Writes the heat map; false (and no file) when no cell has a score. */
    public static boolean write(Path png, ScoreGrid grid, String title, String metric) throws IOException {
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < grid.xLabels().size(); i++) {
            for (int j = 0; j < grid.yLabels().size(); j++) {
                double v = grid.mean()[i][j];
                if (Double.isNaN(v)) continue;
                cells.add(new Number[]{i, j, v}); // XChart paints only the cells it is given: the rest stay blank
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (cells.isEmpty()) return false;
        HeatMapChart c = new HeatMapChartBuilder().width(720).height(480).title(title)
                .xAxisTitle(grid.x().key()).yAxisTitle(grid.y().key()).build();
        // XChart starts a series' max at Double.MIN_VALUE (an all-zero map would read 4.9E-324) and draws the legend from
        // the styler's range: set both from the data
        c.getStyler().setShowValue(true).setHeatMapValueDecimalPattern("0.000").setMin(min).setMax(max);
        c.addSeries(metric, grid.xLabels(), grid.yLabels(), cells).setMin(min).setMax(max);
        BitmapEncoder.saveBitmap(c, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return true;
    }
}
