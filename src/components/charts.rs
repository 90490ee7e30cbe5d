//! Bar and column charts for the admin dashboard, drawn as SVG on the server: they need no
//! JavaScript, scale to any width, and give their numbers to assistive technology twice over
//! (a `<title>` per bar and a visually hidden table).

use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;

/// One bar: a label and a non-negative value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
}

// Presentation attributes rather than CSS, so a chart looks right without any stylesheet; the
// `chart-*` classes are there for CSS to override them. The text colour is about 14:1 on white.
const BAR_FILL: &str = "#0f5c4d";
const TEXT_FILL: &str = "#1f2933";
const AXIS_STROKE: &str = "#9aa5b1";

/// Every chart has the same viewBox width, so charts shown at the same width have the same text size.
const WIDTH: f64 = 600.0;
const FONT_SIZE: f64 = 13.0;
/// Space between a bar and its text.
const GAP: f64 = 6.0;
/// Longer labels end in "…" in the drawing; the tooltip and the table keep them whole.
const MAX_LABEL_CHARS: usize = 18;
/// A rough average glyph width at `FONT_SIZE`, to tell how many characters fit under a column.
const CHAR_WIDTH: f64 = 7.0;

/// Holds `MAX_LABEL_CHARS` characters and the gap before the axis.
const LABEL_WIDTH: f64 = 140.0;
/// Room after the longest bar for its value, up to nine digits.
const VALUE_WIDTH: f64 = 70.0;
const ROW_HEIGHT: f64 = 28.0;
const BAR_HEIGHT: f64 = 20.0;

const PLOT_HEIGHT: f64 = 200.0;
/// Room above the tallest column for its value.
const TOP_MARGIN: f64 = 20.0;
/// Room below the axis for a line of labels, descenders included.
const LABEL_BAND: f64 = 24.0;
/// The share of its slot a column fills; the rest keeps neighbouring columns apart.
const COLUMN_FILL: f64 = 0.7;

/// Horizontal bar chart (one row per bar, label left, bar, value at the end).
#[component]
pub fn BarChart(
    /// Accessible name, also rendered as the SVG <title>.
    title: String,
    /// One sentence rendered as <desc> (e.g. "Number of products in each category.").
    description: String,
    bars: Vec<Bar>,
) -> impl IntoView {
    if bars.is_empty() {
        return no_data(&title).into_any();
    }
    let max = max_value(&bars);
    let height = bars.len() as f64 * ROW_HEIGHT;
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let middle = (i as f64 + 0.5) * ROW_HEIGHT;
            let length = scale(bar.value, max, WIDTH - LABEL_WIDTH - VALUE_WIDTH);
            view! {
                <g>
                    <title>{tooltip(bar)}</title>
                    <text
                        class="chart-label"
                        x={LABEL_WIDTH - GAP}
                        y=middle
                        text-anchor="end"
                        dominant-baseline="central"
                    >
                        {truncate_label(&bar.label, MAX_LABEL_CHARS)}
                    </text>
                    <rect
                        class="chart-bar"
                        x=LABEL_WIDTH
                        y={middle - BAR_HEIGHT / 2.0}
                        width=length
                        height=BAR_HEIGHT
                        fill=BAR_FILL
                    />
                    <text class="chart-value" x={LABEL_WIDTH + length + GAP} y=middle dominant-baseline="central">
                        {bar.value}
                    </text>
                </g>
            }
        })
        .collect_view();
    let axis = view! { <line class="chart-axis" x1=LABEL_WIDTH y1=0 x2=LABEL_WIDTH y2=height stroke=AXIS_STROKE /> };
    chart_frame(title, description, height, (rows, axis), bars).into_any()
}

/// Vertical column chart (e.g. a histogram of prices: one column per price range, the label under each column).
#[component]
pub fn ColumnChart(
    /// Accessible name, also rendered as the SVG <title>.
    title: String,
    /// One sentence rendered as <desc> (e.g. "Number of products in each price range.").
    description: String,
    bars: Vec<Bar>,
) -> impl IntoView {
    if bars.is_empty() {
        return no_data(&title).into_any();
    }
    let max = max_value(&bars);
    let slot = WIDTH / bars.len() as f64;
    let column_width = tenth(slot * COLUMN_FILL);
    // The more columns, the narrower each label may be; three characters still say something.
    let label_chars = ((slot / CHAR_WIDTH) as usize).clamp(3, MAX_LABEL_CHARS);
    let axis_y = TOP_MARGIN + PLOT_HEIGHT;
    let columns = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let centre = tenth((i as f64 + 0.5) * slot);
            let length = scale(bar.value, max, PLOT_HEIGHT);
            view! {
                <g>
                    <title>{tooltip(bar)}</title>
                    <rect
                        class="chart-bar"
                        x={tenth(centre - column_width / 2.0)}
                        y={axis_y - length}
                        width=column_width
                        height=length
                        fill=BAR_FILL
                    />
                    <text class="chart-value" x=centre y={axis_y - length - GAP} text-anchor="middle">{bar.value}</text>
                    <text class="chart-label" x=centre y={axis_y + GAP + FONT_SIZE} text-anchor="middle">
                        {truncate_label(&bar.label, label_chars)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let axis = view! { <line class="chart-axis" x1=0 y1=axis_y x2=WIDTH y2=axis_y stroke=AXIS_STROKE /> };
    chart_frame(title, description, axis_y + LABEL_BAND, (columns, axis), bars).into_any()
}

/// What both charts share: the scalable, labelled SVG around `marks`, then the same numbers as a
/// table, because a screen reader gives a `role="img"` SVG as its name and description only.
fn chart_frame(title: String, description: String, height: f64, marks: impl IntoView, bars: Vec<Bar>) -> impl IntoView {
    let id = chart_id(&title);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let rows = bars
        .into_iter()
        .map(|bar| view! { <tr><th scope="row">{bar.label}</th><td>{bar.value}</td></tr> })
        .collect_view();
    // `xMinYMin meet` scales without distorting the text and, should CSS make the box taller than
    // the drawing, keeps the chart at the top rather than floating in the middle.
    // The frame scrolls sideways where the screen is narrower than the drawing's least width
    // (see the stylesheet), so the keyboard can reach it, and it is named for what it shows.
    let frame_name = title.clone();
    view! {
        <div class="chart" tabindex="0" role="region" aria-label=frame_name>
            <svg
                viewBox={format!("0 0 {WIDTH} {height}")}
                width="100%"
                preserveAspectRatio="xMinYMin meet"
                role="img"
                aria-labelledby=title_id.clone()
                aria-describedby=desc_id.clone()
                fill=TEXT_FILL
                font-size=FONT_SIZE
            >
                <title id=title_id.clone()>{title.clone()}</title>
                <desc id=desc_id.clone()>{description}</desc>
                {marks}
            </svg>
            <table class="visually-hidden">
                <caption>{title}</caption>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Shown instead of a chart with nothing to draw, which would be an empty frame.
fn no_data(title: &str) -> impl IntoView {
    // Kept here until the dashboard's texts get their own struct in `i18n`.
    let text = match use_lang() {
        Lang::En => "no data yet",
        Lang::Es => "todavía no hay datos",
    };
    view! { <p class="chart-empty">{format!("{title}: {text}.")}</p> }
}

fn tooltip(bar: &Bar) -> String {
    format!("{}: {}", bar.label, bar.value)
}

fn max_value(bars: &[Bar]) -> u64 {
    bars.iter().map(|bar| bar.value).max().unwrap_or(0)
}

/// `value`'s share of `max`, as a length out of `full`; zero when every value is zero.
fn scale(value: u64, max: u64, full: f64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    tenth(value as f64 / max as f64 * full)
}

/// A tenth of a unit is finer than any screen shows, and keeps the markup short.
fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// An id prefix from the title, so several charts on one page do not share ids.
fn chart_id(title: &str) -> String {
    let words = title.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty());
    std::iter::once("chart".to_owned()).chain(words.map(str::to_lowercase)).collect::<Vec<_>>().join("-")
}

/// `label` in at most `max_chars` characters, the last one "…" when anything was cut.
fn truncate_label(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        return label.to_owned();
    }
    let kept: String = label.chars().take(max_chars.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// Splits `values` (e.g. prices in cents) into `count` equal-width ranges between the smallest and
/// largest value, returning (lower bound inclusive, upper bound inclusive-for-last, how many) per range.
/// Empty input → empty vec; all values equal → one range holding them all.
///
/// Bounds are whole numbers, so widths may differ by one. A `count` of zero is taken as one, and
/// there are never more ranges than whole steps between the values, as the extra ones would be empty
/// and zero wide.
pub fn histogram(values: &[i64], count: usize) -> Vec<(i64, i64, u64)> {
    let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    if min == max {
        return vec![(min, max, values.len() as u64)];
    }
    let span = max.abs_diff(min);
    let count = count.max(1).min(usize::try_from(span).unwrap_or(usize::MAX));
    // u128 holds span × count for any inputs; the result lies between min and max, so fits an i64.
    let bound = |i: usize| (i128::from(min) + (u128::from(span) * i as u128 / count as u128) as i128) as i64;
    let lowers: Vec<i64> = (0..count).map(bound).collect();
    let mut counts = vec![0; count];
    for &value in values {
        counts[lowers.partition_point(|&lower| lower <= value) - 1] += 1;
    }
    (0..count).map(|i| (lowers[i], bound(i + 1), counts[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_of_nothing_is_empty() {
        assert_eq!(histogram(&[], 5), vec![]);
    }

    #[test]
    fn histogram_of_one_value_or_equal_values_is_one_range_holding_them_all() {
        assert_eq!(histogram(&[1999], 5), vec![(1999, 1999, 1)]);
        assert_eq!(histogram(&[500, 500, 500], 4), vec![(500, 500, 3)]);
    }

    #[test]
    fn histogram_splits_spread_values_into_equal_ranges() {
        let values: Vec<i64> = (0..=10).map(|i| i * 10).collect();
        let ranges = histogram(&values, 4);
        assert_eq!(ranges, vec![(0, 25, 3), (25, 50, 2), (50, 75, 3), (75, 100, 3)]);
    }

    #[test]
    fn histogram_counts_every_value_once_in_contiguous_ranges() {
        let values: Vec<i64> = (0..1000).map(|i| (i * i) % 997 + 150).collect();
        let ranges = histogram(&values, 7);
        assert_eq!(ranges.len(), 7);
        assert_eq!(ranges.iter().map(|r| r.2).sum::<u64>(), values.len() as u64);
        assert!(ranges.windows(2).all(|pair| pair[0].1 == pair[1].0));
        assert_eq!((ranges[0].0, ranges[6].1), (150, 150 + 996));
    }

    #[test]
    fn histogram_puts_the_largest_value_in_the_last_range() {
        assert_eq!(histogram(&[1, 2, 1000], 3), vec![(1, 334, 2), (334, 667, 0), (667, 1000, 1)]);
    }

    #[test]
    fn histogram_makes_no_zero_width_ranges() {
        assert_eq!(histogram(&[0, 2, 2], 10), vec![(0, 1, 1), (1, 2, 2)]);
        assert_eq!(histogram(&[0, 9], 0), vec![(0, 9, 2)]);
    }

    #[test]
    fn short_labels_are_kept_whole() {
        assert_eq!(truncate_label("Clothes", 18), "Clothes");
        assert_eq!(truncate_label("Exactly eighteen c", 18), "Exactly eighteen c");
    }

    #[test]
    fn long_labels_are_cut_to_the_limit_with_an_ellipsis() {
        assert_eq!(truncate_label("Garden furniture and tools", 18), "Garden furniture…");
        let cut = truncate_label("Electrodomésticos de cocina", 18);
        assert_eq!((cut.chars().count(), cut.as_str()), (18, "Electrodomésticos…"));
    }

    #[test]
    fn chart_ids_come_from_the_title() {
        assert_eq!(chart_id("Products per category"), "chart-products-per-category");
        assert_eq!(chart_id("Precios (€) — 2024"), "chart-precios-2024");
        assert_eq!(chart_id("!!"), "chart");
    }

    #[cfg(feature = "ssr")]
    fn bars(values: &[u64]) -> Vec<Bar> {
        values.iter().enumerate().map(|(i, &value)| Bar { label: format!("Category {i}"), value }).collect()
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn charts_render_accessible_svg_and_a_hidden_table() {
        let bar = view! { <BarChart title="Stock".into() description="Units.".into() bars=bars(&[12, 0, 3]) /> };
        let column = view! { <ColumnChart title="Prices".into() description="Counts.".into() bars=bars(&[0, 0]) /> };
        for (html, title, rows) in [(bar.to_html(), "Stock", 3), (column.to_html(), "Prices", 2)] {
            let id = chart_id(title);
            assert!(html.contains(r#"role="img""#), "{html}");
            assert!(html.contains(&format!(r#"aria-labelledby="{id}-title""#)), "{html}");
            assert!(html.contains(&format!(r#"<title id="{id}-title">{title}</title>"#)), "{html}");
            assert_eq!(html.matches("<rect").count(), rows, "{html}");
            assert!(html.contains(&format!(r#"<table class="visually-hidden"><caption>{title}</caption>"#)), "{html}");
            assert_eq!(html.matches(r#"<th scope="row">"#).count(), rows, "{html}");
            assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn charts_without_bars_say_so_instead_of_drawing() {
        let html = view! { <BarChart title="Stock".into() description="Units.".into() bars=vec![] /> }.to_html();
        assert!(html.contains("<p") && html.contains("Stock: no data yet."), "{html}");
        assert!(!html.contains("<svg"), "{html}");
    }
}
