package io.github.rwsplit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws horizontal bar charts as SVG, by hand: a title, then sections, each a heading and one row
 * per bar (label, bar, value). Enough for the benchmark pages; no dependency.
 */
final class SvgBars {

	private static final int LABEL_WIDTH = 300;

	private static final int BAR_WIDTH = 380;

	private static final int ROW = 20;

	private static final String[] COLOURS = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
			"#b07aa1", "#ff9da7", "#9c755f" };

	private final String title;

	private final String unit;

	private final double max;

	private final List<Object[]> items = new ArrayList<>();

	/**
	 * @param title the chart's title
	 * @param unit what values are in, appended to each (such as {@code %})
	 * @param max the value a full-width bar stands for
	 */
	SvgBars(String title, String unit, double max) {
		this.title = title;
		this.unit = unit;
		this.max = max;
	}

	SvgBars section(String heading) {
		this.items.add(new Object[] { heading });
		return this;
	}

	SvgBars bar(String label, double value, int colour) {
		this.items.add(new Object[] { label, value, colour });
		return this;
	}

	String render() {
		int height = 40 + this.items.size() * ROW + 10;
		int width = LABEL_WIDTH + BAR_WIDTH + 90;
		StringBuilder svg = new StringBuilder();
		svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
			.append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		svg.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">").append(escape(this.title))
			.append("</text>\n");
		int y = 40;
		for (Object[] item : this.items) {
			if (item.length == 1) {
				svg.append("<text x=\"10\" y=\"").append(y + 14).append("\" font-weight=\"bold\">")
					.append(escape((String) item[0])).append("</text>\n");
			}
			else {
				double value = (Double) item[1];
				int length = (int) Math.round(Math.max(0, Math.min(1, value / this.max)) * BAR_WIDTH);
				svg.append("<text x=\"").append(LABEL_WIDTH - 6).append("\" y=\"").append(y + 14)
					.append("\" text-anchor=\"end\">").append(escape((String) item[0])).append("</text>\n");
				svg.append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 3).append("\" width=\"")
					.append(length).append("\" height=\"").append(ROW - 6).append("\" fill=\"")
					.append(COLOURS[(Integer) item[2] % COLOURS.length]).append("\"/>\n");
				svg.append("<text x=\"").append(LABEL_WIDTH + length + 5).append("\" y=\"").append(y + 14).append("\">")
					.append(Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f", value)).append(this.unit)
					.append("</text>\n");
			}
			y += ROW;
		}
		return svg.append("</svg>\n").toString();
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
