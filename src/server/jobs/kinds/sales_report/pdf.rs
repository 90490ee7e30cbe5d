//! The sales report's one A4 page as a PDF, drawn with `printpdf` (0.12, no default features).
//!
//! The caller hands over a [`SalesReport`] whose strings are already translated
//! and formatted; [`render`] lays them out and returns the PDF bytes. There is no
//! I/O and no font loading: the page only references the built-in Helvetica and
//! Helvetica-Bold faces, which every PDF viewer supplies.
//!
//! Built-in fonts are WinAnsi-encoded (≈ Windows-1252). printpdf converts text to
//! WinAnsi when it writes the file, but it would turn control characters, emoji
//! modifiers and other invisible code points into visible `?`s, and it offers no
//! glyph metrics for built-in fonts. So every string is first reduced to the
//! WinAnsi repertoire here ([`to_win_ansi`]) and measured with the Adobe
//! Helvetica metrics in `helvetica.rs`; that is what lets us
//! right-align numbers and truncate long product titles with "…".
//!
//! Layout, top to bottom: title, range and "generated" lines, a row of total
//! cards, the bar chart, the best-sellers table. Every element has a fixed
//! height and every string is cut to its box, so nothing can overflow the page
//! whatever the input.

use super::helvetica::{AVERAGE_WIDTH, FIRST_MEASURED_BYTE, HELVETICA_BOLD_WIDTHS, HELVETICA_WIDTHS};
use printpdf::{
    BuiltinFont, Color, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

/// Everything the page shows, already translated and formatted by the caller.
pub struct SalesReport {
    /// e.g. "Informe de ventas"
    pub title: String,
    /// e.g. "1 nov 2026 – 30 nov 2026"
    pub range_label: String,
    /// e.g. "Generado el 2 dic 2026 18:00 UTC"
    pub generated_label: String,
    /// (label, value), e.g. ("Pedidos", "42"), ("Ingresos", "1.234,50 €");
    /// up to 6 (any further ones are not shown).
    pub totals: Vec<(String, String)>,
    /// e.g. "Ingresos por día"
    pub chart_title: String,
    /// (label, revenue in cents), one per day or per week; 1..=366 entries;
    /// may be all zero. Negative revenue is drawn as zero.
    pub chart_points: Vec<(String, i64)>,
    pub best_sellers_title: String,
    /// Product, units, revenue.
    pub best_sellers_headers: [String; 3],
    /// (product title, units sold, formatted revenue), at most 10 (any
    /// further ones are not shown), may be empty.
    pub best_sellers: Vec<(String, i64, String)>,
    /// Shown instead of the table/chart when there is nothing to show,
    /// e.g. "Sin ventas en este periodo".
    pub empty_label: String,
}

/// Renders `report` as a one-page A4 PDF.
///
/// Never panics, whatever the strings and numbers contain.
///
/// # Errors
///
/// Only if printpdf itself reports an error while serialising or produces no
/// output; the message says which.
pub fn render(report: &SalesReport) -> Result<Vec<u8>, String> {
    let ops = build_page_ops(report);
    let mut document = PdfDocument::new(&to_win_ansi(&report.title));
    document.with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)]);

    let mut warnings = Vec::new();
    let bytes = document.save(&PdfSaveOptions::default(), &mut warnings);
    if let Some(error) = warnings.iter().find(|warning| warning.severity == PdfParseErrorSeverity::Error) {
        return Err(format!("printpdf reported an error: {}", error.msg));
    }
    // `save` swallows write errors and would then hand back an empty buffer.
    if !bytes.starts_with(b"%PDF-") {
        return Err("printpdf produced no PDF output".to_owned());
    }
    Ok(bytes)
}

// ---------------------------------------------------------------------------
// Page geometry and look. All lengths are PDF points; layout code measures y
// downwards from the top edge and `Canvas` flips it into PDF coordinates.
// ---------------------------------------------------------------------------

const PAGE_WIDTH: f32 = 210.0 * 72.0 / 25.4;
const PAGE_HEIGHT: f32 = 297.0 * 72.0 / 25.4;
const MARGIN: f32 = 48.0;
const CONTENT_LEFT: f32 = MARGIN;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const CONTENT_RIGHT: f32 = CONTENT_LEFT + CONTENT_WIDTH;

const MAX_TOTALS: usize = 6;
const MAX_BEST_SELLERS: usize = 10;
/// The first and last point are always labelled; at most this many in total,
/// so the axis stays readable for a full year of days.
const MAX_X_LABELS: usize = 7;
const CHART_PLOT_HEIGHT: f32 = 250.0;

type Rgb3 = (f32, f32, f32);
const INK: Rgb3 = (0.12, 0.14, 0.17);
const MUTED: Rgb3 = (0.42, 0.45, 0.50);
const RULE: Rgb3 = (0.80, 0.82, 0.85);
const BAR: Rgb3 = (0.20, 0.45, 0.78);
const CARD_FILL: Rgb3 = (0.95, 0.96, 0.97);
const TABLE_HEADER_FILL: Rgb3 = (0.90, 0.92, 0.95);
const TABLE_STRIPE_FILL: Rgb3 = (0.97, 0.975, 0.98);

const TITLE: TextStyle = TextStyle::new(Face::Bold, 22.0, INK);
const SUBTITLE: TextStyle = TextStyle::new(Face::Regular, 11.0, MUTED);
const SMALL_NOTE: TextStyle = TextStyle::new(Face::Regular, 9.0, MUTED);
const SECTION_TITLE: TextStyle = TextStyle::new(Face::Bold, 13.0, INK);
const CARD_LABEL: TextStyle = TextStyle::new(Face::Regular, 8.5, MUTED);
const CARD_VALUE: TextStyle = TextStyle::new(Face::Bold, 14.0, INK);
const MIN_CARD_VALUE_SIZE: f32 = 9.0;
const AXIS_LABEL: TextStyle = TextStyle::new(Face::Regular, 7.5, MUTED);
const EMPTY_NOTE: TextStyle = TextStyle::new(Face::Regular, 10.0, MUTED);
const TABLE_HEADER: TextStyle = TextStyle::new(Face::Bold, 9.0, INK);
const TABLE_CELL: TextStyle = TextStyle::new(Face::Regular, 9.0, INK);

fn build_page_ops(report: &SalesReport) -> Vec<Op> {
    let mut canvas = Canvas::default();
    let mut y = MARGIN;
    y = draw_header(&mut canvas, report, y);
    y = draw_totals(&mut canvas, &report.totals, y);
    y = draw_chart(&mut canvas, report, y + 8.0);
    draw_best_sellers(&mut canvas, report, y + 22.0);
    canvas.ops
}

// ---------------------------------------------------------------------------
// Sections. Each takes the y where it starts and returns the y below it.
// ---------------------------------------------------------------------------

fn draw_header(canvas: &mut Canvas, report: &SalesReport, top: f32) -> f32 {
    let title_baseline = top + 22.0;
    let range_baseline = title_baseline + 20.0;
    let generated_baseline = range_baseline + 15.0;
    canvas.text_fitted(CONTENT_LEFT, title_baseline, TITLE, &report.title, CONTENT_WIDTH);
    canvas.text_fitted(CONTENT_LEFT, range_baseline, SUBTITLE, &report.range_label, CONTENT_WIDTH);
    canvas.text_fitted(CONTENT_LEFT, generated_baseline, SMALL_NOTE, &report.generated_label, CONTENT_WIDTH);
    let rule_y = generated_baseline + 10.0;
    canvas.horizontal_line(CONTENT_LEFT, CONTENT_RIGHT, rule_y, 0.6, RULE);
    rule_y + 14.0
}

/// A row of equally wide cards, one per total (label above, value below).
fn draw_totals(canvas: &mut Canvas, totals: &[(String, String)], top: f32) -> f32 {
    const GAP: f32 = 8.0;
    const HEIGHT: f32 = 46.0;
    const PADDING: f32 = 8.0;

    let shown = &totals[..totals.len().min(MAX_TOTALS)];
    if shown.is_empty() {
        return top;
    }
    let count = shown.len() as f32;
    let card_width = (CONTENT_WIDTH - GAP * (count - 1.0)) / count;
    let text_width = card_width - 2.0 * PADDING;
    for (index, (label, value)) in shown.iter().enumerate() {
        let left = CONTENT_LEFT + index as f32 * (card_width + GAP);
        canvas.fill_rect(left, top, card_width, HEIGHT, CARD_FILL);
        canvas.text_fitted(left + PADDING, top + 16.0, CARD_LABEL, label, text_width);
        // Six cards leave little room; a smaller amount beats a truncated one.
        let value_style = CARD_VALUE.shrunk_to_fit(&to_win_ansi(value), text_width, MIN_CARD_VALUE_SIZE);
        canvas.text_fitted(left + PADDING, top + 36.0, value_style, value, text_width);
    }
    top + HEIGHT + 14.0
}

fn draw_chart(canvas: &mut Canvas, report: &SalesReport, top: f32) -> f32 {
    canvas.text_fitted(CONTENT_LEFT, top + 13.0, SECTION_TITLE, &report.chart_title, CONTENT_WIDTH);

    // Negative revenue (refund-heavy days) has no sensible bar; draw it as 0.
    let values: Vec<u64> = report.chart_points.iter().map(|(_, cents)| (*cents).max(0).unsigned_abs()).collect();
    let max_value = values.iter().copied().max().unwrap_or(0);

    let plot_top = top + 30.0;
    let baseline_y = plot_top + CHART_PLOT_HEIGHT;
    let max_label = (max_value > 0).then(|| format_plain_amount(max_value));
    // The y axis gutter is as wide as the widest value label, but never eats
    // more than a quarter of the chart.
    let gutter =
        max_label.as_deref().map_or(AXIS_LABEL.width("0"), |label| AXIS_LABEL.width(label)).min(CONTENT_WIDTH / 4.0)
            + 6.0;
    let plot =
        PlotArea { left: CONTENT_LEFT + gutter, width: CONTENT_WIDTH - gutter, top: plot_top, baseline: baseline_y };

    draw_y_axis_labels(canvas, &plot, max_label.as_deref());
    if max_value > 0 {
        draw_bars(canvas, &plot, &values, max_value);
    } else {
        let message_width = EMPTY_NOTE.width(&to_win_ansi(&report.empty_label)).min(plot.width);
        let left = plot.left + (plot.width - message_width) / 2.0;
        let middle = plot.top + CHART_PLOT_HEIGHT / 2.0;
        canvas.text_fitted(left, middle, EMPTY_NOTE, &report.empty_label, plot.width);
    }
    canvas.horizontal_line(plot.left, plot.right(), plot.baseline, 0.8, INK);

    let label_baseline = plot.baseline + 11.0;
    for label in place_x_labels(&report.chart_points, plot.left, plot.width) {
        canvas.text(label.left, label_baseline, AXIS_LABEL, &label.text);
    }
    label_baseline + 4.0
}

/// The inner rectangle the bars live in; `baseline` is the zero line.
struct PlotArea {
    left: f32,
    width: f32,
    top: f32,
    baseline: f32,
}

impl PlotArea {
    fn right(&self) -> f32 {
        self.left + self.width
    }

    fn height(&self) -> f32 {
        self.baseline - self.top
    }
}

/// Writes "0" at the baseline and the maximum at the top, where a faint
/// guide line shows what the tallest bar means.
fn draw_y_axis_labels(canvas: &mut Canvas, plot: &PlotArea, max_label: Option<&str>) {
    let label_right = plot.left - 5.0;
    let gutter_width = (label_right - CONTENT_LEFT).max(0.0);
    canvas.text_right(label_right, plot.baseline + 2.5, AXIS_LABEL, "0", gutter_width);
    if let Some(label) = max_label {
        canvas.horizontal_line(plot.left, plot.right(), plot.top, 0.4, RULE);
        canvas.text_right(label_right, plot.top + 2.5, AXIS_LABEL, label, gutter_width);
    }
}

fn draw_bars(canvas: &mut Canvas, plot: &PlotArea, values: &[u64], max_value: u64) {
    // Below this height a bar would vanish; a day with one small sale should
    // still be visibly different from a day with none.
    const MIN_VISIBLE_HEIGHT: f32 = 0.6;
    // A week or two of points would otherwise produce slabs, not bars.
    const MAX_BAR_WIDTH: f32 = 36.0;

    let slot = plot.width / values.len().max(1) as f32;
    let bar_width = (slot * 0.72).min(MAX_BAR_WIDTH);
    for (index, &value) in values.iter().enumerate() {
        if value == 0 {
            continue;
        }
        // f64 keeps the ratio exact enough even near i64::MAX.
        let ratio = (value as f64 / max_value as f64) as f32;
        let height = (plot.height() * ratio).max(MIN_VISIBLE_HEIGHT);
        let left = plot.left + index as f32 * slot + (slot - bar_width) / 2.0;
        canvas.fill_rect(left, plot.baseline - height, bar_width, height, BAR);
    }
}

/// An x-axis label that has been fitted and positioned.
#[derive(Debug)]
struct XLabel {
    left: f32,
    width: f32,
    text: String,
}

/// Chooses the first, the last and a few evenly spaced points to label,
/// centred under their bars, dropping any label that would touch its neighbour.
fn place_x_labels(points: &[(String, i64)], plot_left: f32, plot_width: f32) -> Vec<XLabel> {
    const MIN_GAP: f32 = 6.0;

    let plot_right = plot_left + plot_width;
    let slot = plot_width / points.len().max(1) as f32;
    // No single label may take more than a third of the axis, so the first and
    // the last one always fit side by side.
    let max_label_width = plot_width / 3.0 - MIN_GAP;
    let place = |index: usize| {
        let raw = points.get(index).map_or("", |(label, _)| label.as_str());
        let text = fit_text(raw, AXIS_LABEL, max_label_width);
        let width = AXIS_LABEL.width(&text);
        let centre = plot_left + (index as f32 + 0.5) * slot;
        // Keep edge labels inside the plot instead of hanging off the page.
        let left = (centre - width / 2.0).min(plot_right - width).max(plot_left);
        XLabel { left, width, text }
    };
    let overlaps = |before: &XLabel, after: &XLabel| before.left + before.width + MIN_GAP > after.left;

    let indices = evenly_spaced_indices(points.len(), MAX_X_LABELS);
    let Some((&last_index, inner_indices)) = indices.split_last() else {
        return Vec::new();
    };
    let mut placed: Vec<XLabel> = Vec::new();
    for &index in inner_indices {
        let label = place(index);
        if placed.last().is_none_or(|previous| !overlaps(previous, &label)) {
            placed.push(label);
        }
    }
    // The last label matters more than the ones just before it.
    let last = place(last_index);
    while placed.len() > 1 && placed.last().is_some_and(|previous| overlaps(previous, &last)) {
        placed.pop();
    }
    if placed.last().is_none_or(|previous| !overlaps(previous, &last)) {
        placed.push(last);
    }
    placed.retain(|label| !label.text.is_empty());
    placed
}

/// Up to `wanted` indices in `0..len`, always including both ends.
fn evenly_spaced_indices(len: usize, wanted: usize) -> Vec<usize> {
    let count = wanted.min(len);
    if count <= 1 {
        return (0..count).collect();
    }
    let mut indices: Vec<usize> = (0..count)
        .map(|step| {
            // Computed in u128 so a pathological `len` cannot overflow.
            let scaled = step as u128 * (len - 1) as u128 / (count - 1) as u128;
            usize::try_from(scaled).unwrap_or(len - 1)
        })
        .collect();
    indices.dedup();
    indices
}

fn draw_best_sellers(canvas: &mut Canvas, report: &SalesReport, top: f32) {
    const HEADER_HEIGHT: f32 = 20.0;
    const ROW_HEIGHT: f32 = 18.0;
    // Text sits this far above the bottom edge of its row.
    const BASELINE_INSET: f32 = 6.0;

    canvas.text_fitted(CONTENT_LEFT, top + 13.0, SECTION_TITLE, &report.best_sellers_title, CONTENT_WIDTH);
    let table_top = top + 22.0;
    if report.best_sellers.is_empty() {
        canvas.text_fitted(CONTENT_LEFT, table_top + 14.0, EMPTY_NOTE, &report.empty_label, CONTENT_WIDTH);
        return;
    }

    canvas.fill_rect(CONTENT_LEFT, table_top, CONTENT_WIDTH, HEADER_HEIGHT, TABLE_HEADER_FILL);
    let [product, units, revenue] = &report.best_sellers_headers;
    draw_table_row(
        canvas,
        table_top + HEADER_HEIGHT - BASELINE_INSET,
        TABLE_HEADER,
        [product.as_str(), units.as_str(), revenue.as_str()],
    );

    let rows = &report.best_sellers[..report.best_sellers.len().min(MAX_BEST_SELLERS)];
    for (index, (title, units_sold, revenue)) in rows.iter().enumerate() {
        let row_top = table_top + HEADER_HEIGHT + index as f32 * ROW_HEIGHT;
        if index % 2 == 1 {
            canvas.fill_rect(CONTENT_LEFT, row_top, CONTENT_WIDTH, ROW_HEIGHT, TABLE_STRIPE_FILL);
        }
        let units_text = units_sold.to_string();
        draw_table_row(
            canvas,
            row_top + ROW_HEIGHT - BASELINE_INSET,
            TABLE_CELL,
            [title.as_str(), units_text.as_str(), revenue.as_str()],
        );
    }
    let table_bottom = table_top + HEADER_HEIGHT + rows.len() as f32 * ROW_HEIGHT;
    canvas.horizontal_line(CONTENT_LEFT, CONTENT_RIGHT, table_bottom, 0.6, RULE);
}

// Table columns: the two number columns have fixed widths and are
// right-aligned so digits line up; the product column takes the rest.
const CELL_PADDING: f32 = 6.0;
const UNITS_COLUMN_WIDTH: f32 = 70.0;
const REVENUE_COLUMN_WIDTH: f32 = 110.0;
const PRODUCT_COLUMN_WIDTH: f32 = CONTENT_WIDTH - UNITS_COLUMN_WIDTH - REVENUE_COLUMN_WIDTH;

fn draw_table_row(canvas: &mut Canvas, baseline: f32, style: TextStyle, [product, units, revenue]: [&str; 3]) {
    let units_right = CONTENT_LEFT + PRODUCT_COLUMN_WIDTH + UNITS_COLUMN_WIDTH - CELL_PADDING;
    let revenue_right = CONTENT_RIGHT - CELL_PADDING;
    let inner = |column_width: f32| column_width - 2.0 * CELL_PADDING;
    canvas.text_fitted(CONTENT_LEFT + CELL_PADDING, baseline, style, product, inner(PRODUCT_COLUMN_WIDTH));
    canvas.text_right(units_right, baseline, style, units, inner(UNITS_COLUMN_WIDTH));
    canvas.text_right(revenue_right, baseline, style, revenue, inner(REVENUE_COLUMN_WIDTH));
}

/// Cents as "1234.50": the caller's formatted amounts live in the totals and
/// the table; the axis only needs a compact, locale-neutral scale mark.
fn format_plain_amount(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

// ---------------------------------------------------------------------------
// Drawing primitives.
// ---------------------------------------------------------------------------

/// Collects page operations; takes y measured from the top of the page.
#[derive(Default)]
struct Canvas {
    ops: Vec<Op>,
}

impl Canvas {
    /// Draws text that is already WinAnsi-clean with its baseline at `baseline`.
    fn text(&mut self, left: f32, baseline: f32, style: TextStyle, text: &str) {
        if text.is_empty() {
            return;
        }
        // One BT/ET block per run: printpdf writes `SetTextCursor` as `Td`, which
        // is relative to the previous run inside the same block.
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::Builtin(style.face.builtin_font()), size: Pt(style.size) },
            Op::SetFillColor { col: color(style.color) },
            Op::SetTextCursor { pos: Point { x: Pt(left), y: Pt(PAGE_HEIGHT - baseline) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_owned())] },
            Op::EndTextSection,
        ]);
    }

    /// Draws `raw` from `left`, sanitised and cut to `max_width`.
    fn text_fitted(&mut self, left: f32, baseline: f32, style: TextStyle, raw: &str, max_width: f32) {
        let text = fit_text(raw, style, max_width);
        self.text(left, baseline, style, &text);
    }

    /// Draws `raw` so that it ends at `right`, sanitised and cut to `max_width`.
    fn text_right(&mut self, right: f32, baseline: f32, style: TextStyle, raw: &str, max_width: f32) {
        let text = fit_text(raw, style, max_width);
        let left = right - style.width(&text);
        self.text(left, baseline, style, &text);
    }

    fn fill_rect(&mut self, left: f32, top: f32, width: f32, height: f32, fill: Rgb3) {
        self.ops.push(Op::SetFillColor { col: color(fill) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(left),
                y: Pt(PAGE_HEIGHT - top - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    fn horizontal_line(&mut self, from_x: f32, to_x: f32, y: f32, thickness: f32, stroke: Rgb3) {
        let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_HEIGHT - y) }, bezier: false };
        self.ops.extend([
            Op::SetOutlineColor { col: color(stroke) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line: Line { points: vec![point(from_x), point(to_x)], is_closed: false } },
        ]);
    }
}

fn color((r, g, b): Rgb3) -> Color {
    Color::Rgb(Rgb { r, g, b, icc_profile: None })
}

// ---------------------------------------------------------------------------
// Text: WinAnsi sanitising, measuring and truncating.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Face {
    Regular,
    Bold,
}

impl Face {
    fn builtin_font(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
        }
    }

    /// Advance width in 1/1000 em. Unencodable characters are measured as the
    /// `?` they will be printed as.
    fn char_width(self, c: char) -> f32 {
        let widths = match self {
            Face::Regular => &HELVETICA_WIDTHS,
            Face::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        let byte = win_ansi_byte(c).unwrap_or(b'?');
        let width = byte
            .checked_sub(FIRST_MEASURED_BYTE)
            .and_then(|index| widths.get(usize::from(index)))
            .copied()
            .unwrap_or(AVERAGE_WIDTH);
        f32::from(width)
    }
}

#[derive(Clone, Copy, Debug)]
struct TextStyle {
    face: Face,
    size: f32,
    color: Rgb3,
}

impl TextStyle {
    const fn new(face: Face, size: f32, color: Rgb3) -> Self {
        Self { face, size, color }
    }

    fn char_width(&self, c: char) -> f32 {
        self.face.char_width(c) * self.size / 1000.0
    }

    fn width(&self, text: &str) -> f32 {
        text.chars().map(|c| self.char_width(c)).sum()
    }

    /// This style with the size reduced (down to `min_size`) until `text`
    /// fits `max_width`.
    fn shrunk_to_fit(self, text: &str, max_width: f32, min_size: f32) -> Self {
        let width = self.width(text);
        if width <= max_width {
            return self;
        }
        // Rounded down to 0.1 pt so float error cannot tip it back over the width.
        let size = (self.size * max_width / width * 10.0).floor() / 10.0;
        Self { size: size.max(min_size).min(self.size), ..self }
    }
}

/// Sanitises `raw` and, if it is wider than `max_width`, cuts it and appends
/// "…". Returns an empty string when not even the ellipsis fits.
fn fit_text(raw: &str, style: TextStyle, max_width: f32) -> String {
    const ELLIPSIS: char = '…';

    let text = to_win_ansi(raw);
    if style.width(&text) <= max_width {
        return text;
    }
    let budget = max_width - style.char_width(ELLIPSIS);
    if budget < 0.0 {
        return String::new();
    }
    let mut used = 0.0;
    let mut kept = String::new();
    for c in text.chars() {
        used += style.char_width(c);
        if used > budget {
            break;
        }
        kept.push(c);
    }
    let mut fitted = kept.trim_end().to_owned();
    fitted.push(ELLIPSIS);
    fitted
}

/// Reduces arbitrary Unicode to what a WinAnsi-encoded built-in font can show:
/// - runs of whitespace (including tabs, newlines, exotic spaces) become one
///   space, and the result is trimmed;
/// - control and invisible formatting characters (zero-width joiners, bidi
///   marks, emoji variation selectors and skin tones, tag characters) are
///   dropped, so an emoji sequence yields a single `?` rather than several;
/// - a combining accent is merged into the preceding letter when WinAnsi has
///   the precomposed form (decomposed "n\u{303}" becomes "ñ"), else dropped;
/// - anything else WinAnsi lacks (emoji, CJK, …) becomes `?`.
fn to_win_ansi(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(1024));
    let mut pending_space = false;
    for c in raw.chars() {
        // Whitespace first: tabs and newlines are control characters too, but
        // they separate words.
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if is_invisible(c) {
            // Dropped: nothing to draw.
        } else if is_combining_mark(c) {
            // After a space the mark has no letter to sit on.
            if !pending_space {
                attach_mark(&mut out, c);
            }
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(if win_ansi_byte(c).is_some() { c } else { '?' });
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'                      // soft hyphen
            | '\u{061C}'                    // Arabic letter mark
            | '\u{180E}'                    // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'       // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}'       // bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'       // word joiner, invisible operators, bidi isolates
            | '\u{FE00}'..='\u{FE0F}'       // variation selectors (emoji presentation)
            | '\u{FEFF}'                    // byte order mark
            | '\u{FFF9}'..='\u{FFFB}'       // interlinear annotation
            | '\u{1F3FB}'..='\u{1F3FF}'     // emoji skin-tone modifiers
            | '\u{E0000}'..='\u{E007F}'     // tag characters (flag sequences)
            | '\u{E0100}'..='\u{E01EF}' // variation selectors supplement
        )
}

fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Combining mark, base letters, and the precomposed WinAnsi letters they
/// make, position by position.
const LATIN_COMPOSITIONS: [(char, &str, &str); 8] = [
    ('\u{0300}', "AEIOUaeiou", "ÀÈÌÒÙàèìòù"),
    ('\u{0301}', "AEIOUYaeiouy", "ÁÉÍÓÚÝáéíóúý"),
    ('\u{0302}', "AEIOUaeiou", "ÂÊÎÔÛâêîôû"),
    ('\u{0303}', "ANOano", "ÃÑÕãñõ"),
    ('\u{0308}', "AEIOUYaeiouy", "ÄËÏÖÜŸäëïöüÿ"),
    ('\u{030A}', "Aa", "Åå"),
    ('\u{030C}', "SZsz", "ŠŽšž"),
    ('\u{0327}', "Cc", "Çç"),
];

fn attach_mark(out: &mut String, mark: char) {
    let Some(base) = out.pop() else { return };
    out.push(compose(base, mark).unwrap_or(base));
}

fn compose(base: char, mark: char) -> Option<char> {
    let (_, bases, composed) = LATIN_COMPOSITIONS.iter().find(|(m, _, _)| *m == mark)?;
    let position = bases.chars().position(|b| b == base)?;
    composed.chars().nth(position)
}

/// The WinAnsiEncoding byte for `c` (PDF 32000-1, Annex D.2), or `None` if the
/// encoding has no such character. Control codes get `None` too: they have no
/// glyph.
fn win_ansi_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    // ASCII and Latin-1 map to themselves; only 0x80..=0x9F differ from Latin-1.
    if (0x20..=0x7E).contains(&code) || (0xA0..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    let byte = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '\u{2018}' => 0x91, // ‘
        '\u{2019}' => 0x92, // ’
        '\u{201C}' => 0x93, // “
        '\u{201D}' => 0x94, // ”
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with(points: Vec<(String, i64)>, best_sellers: Vec<(String, i64, String)>) -> SalesReport {
        SalesReport {
            title: "Informe de ventas".into(),
            range_label: "1 nov 2026 – 30 nov 2026".into(),
            generated_label: "Generado el 2 dic 2026 18:00 UTC".into(),
            totals: vec![("Pedidos".into(), "42".into()), ("Ingresos".into(), "1.234,50 €".into())],
            chart_title: "Ingresos por día".into(),
            chart_points: points,
            best_sellers_title: "Más vendidos".into(),
            best_sellers_headers: ["Producto".into(), "Unidades".into(), "Ingresos".into()],
            best_sellers,
            empty_label: "Sin ventas en este periodo".into(),
        }
    }

    #[test]
    fn win_ansi_maps_the_windows_1252_specials() {
        let specials = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
        let bytes: Vec<u8> = specials.chars().filter_map(win_ansi_byte).collect();
        let expected: Vec<u8> = (0x80..=0x9F).filter(|b| ![0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(b)).collect();
        assert_eq!(bytes, expected);
        assert_eq!(win_ansi_byte('ñ'), Some(0xF1));
        assert_eq!(win_ansi_byte('\u{0085}'), None, "C1 controls are not glyphs");
        assert_eq!(win_ansi_byte('😀'), None);
    }

    #[test]
    fn sanitising_keeps_spanish_and_replaces_the_rest() {
        assert_eq!(to_win_ansi("Año más Camión 5 €"), "Año más Camión 5 €");
        assert_eq!(to_win_ansi("  Taza\t\n\u{7}de\u{200B}té 👍🏽 "), "Taza deté ?");
        assert_eq!(to_win_ansi("❤\u{FE0F} 👨\u{200D}👩\u{200D}👧 猫"), "? ??? ?");
        assert_eq!(to_win_ansi("Camio\u{301}n n\u{303}u"), "Camión ñu");
        assert_eq!(to_win_ansi("\u{301}x"), "x");
    }

    #[test]
    fn composition_table_is_consistent() {
        for (mark, bases, composed) in LATIN_COMPOSITIONS {
            assert_eq!(bases.chars().count(), composed.chars().count(), "{mark:?}");
            assert!(composed.chars().all(|c| win_ansi_byte(c).is_some()));
        }
    }

    #[test]
    fn fitted_text_never_exceeds_its_width() {
        let long: String = "Camión 😀 ".repeat(60);
        for max_width in [0.0, 3.0, 10.0, 57.5, 200.0, 1000.0] {
            let fitted = fit_text(&long, TABLE_CELL, max_width);
            assert!(TABLE_CELL.width(&fitted) <= max_width + 1e-3, "{max_width}: {fitted}");
        }
        assert!(fit_text(&long, TABLE_CELL, 200.0).ends_with('…'));
        assert_eq!(fit_text("corto", TABLE_CELL, 200.0), "corto");
    }

    #[test]
    fn x_labels_include_both_ends_and_never_overlap() {
        for len in 1..=400 {
            let points: Vec<(String, i64)> = (0..len).map(|i| (format!("{} nov 2026", i + 1), 0)).collect();
            let labels = place_x_labels(&points, 60.0, 430.0);
            assert!(!labels.is_empty() && labels.len() <= MAX_X_LABELS, "len {len}");
            assert!(labels[0].text.starts_with("1 nov"), "len {len}");
            let last = format!("{len} nov");
            assert!(labels.iter().any(|l| l.text.starts_with(&last)), "len {len}");
            for pair in labels.windows(2) {
                assert!(pair[0].left + pair[0].width < pair[1].left, "len {len}: {pair:?}");
            }
            assert!(labels.iter().all(|l| l.left >= 60.0 && l.left + l.width <= 490.0 + 1e-3));
        }
    }

    #[test]
    fn renders_edge_cases_without_panicking() {
        let huge_title = "🚀".repeat(5_000) + &"x".repeat(100_000);
        let cases = vec![
            report_with(vec![], vec![]),
            report_with(vec![("solo".into(), 0)], vec![]),
            report_with(vec![("a".into(), i64::MIN), ("b".into(), -5)], vec![]),
            report_with(
                (0..5_000).map(|i| (i.to_string(), i64::MAX - i)).collect(),
                (0..25).map(|i| (huge_title.clone(), i64::MIN + i, huge_title.clone())).collect(),
            ),
        ];
        for mut report in cases {
            report.totals = (0..9).map(|_| (huge_title.clone(), "\u{0}\u{1}".into())).collect();
            let pdf = render(&report).expect("render");
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }
}
