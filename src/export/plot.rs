//! Line charts as SVG or PNG images, drawn with `plotters`.
//!
//! Text needs a font. The SVG backend writes text as SVG text elements that
//! the viewer lays out, so no font is needed here. The bitmap backend would
//! need a font engine: `ttf` links system libraries (fontconfig,
//! freetype) and `ab_glyph` needs a font file, so neither builds or runs on
//! a machine with only the Rust toolchain. PNG charts are therefore drawn
//! without text (curves, axes and a legend of colour swatches), and the SVG
//! next to each one carries the title, labels and legend names.

use std::path::Path;

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::chart::{ChartBuilder, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement};
use plotters::series::LineSeries;
use plotters::style::{BLACK, Color, RGBColor, WHITE};

use super::ExportError;
use crate::headless::files::write_atomic;

/// Size of every chart image, in pixels.
pub const IMAGE_SIZE: (u32, u32) = (960, 600);

/// Line or point style of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Line,
    /// A thin line, for secondary curves such as a confidence band.
    ThinLine,
    /// Unconnected dots, for data points.
    Points,
}

/// One named curve of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    /// `(x, y)` pairs; non-finite pairs are skipped when drawing.
    pub points: Vec<(f64, f64)>,
    pub rgb: (u8, u8, u8),
    pub mark: Mark,
}

/// Image format, from the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
}

/// Draws `series` as one chart and writes it to `path`, atomically.
///
/// The format follows the extension: `.svg` or `.png`. With `log_y` the
/// y axis is `log10` of the values, and points with `y <= 0` are left out.
/// Axis bounds cover every finite point; with no finite point the chart
/// shows empty axes over `[0, 1]`.
///
/// # Errors
/// [`ExportError::Format`] for another extension, [`ExportError::Plot`]
/// when drawing fails and [`ExportError::Io`] when the file cannot be
/// written.
pub fn plot_series(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<(), ExportError> {
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("svg") => Format::Svg,
        Some("png") => Format::Png,
        _ => return Err(ExportError::Format(path.to_path_buf())),
    };
    let series: Vec<Series> = series.iter().map(|s| finite_series(s, log_y)).collect();
    let labels = Labels {
        title,
        x: x_label,
        y: y_label,
        log_y,
    };
    let plot_error = |message: String| ExportError::Plot {
        path: path.to_path_buf(),
        message,
    };
    let bytes = match format {
        Format::Svg => {
            let mut text = String::new();
            let root = SVGBackend::with_string(&mut text, IMAGE_SIZE).into_drawing_area();
            draw_chart(&root, &series, &labels, true).map_err(plot_error)?;
            root.present().map_err(|e| plot_error(e.to_string()))?;
            drop(root);
            text.into_bytes()
        }
        Format::Png => {
            let (width, height) = IMAGE_SIZE;
            let mut pixels = vec![0u8; width as usize * height as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, IMAGE_SIZE).into_drawing_area();
                draw_chart(&root, &series, &labels, false).map_err(plot_error)?;
                root.present().map_err(|e| plot_error(e.to_string()))?;
            }
            encode_png(&pixels, IMAGE_SIZE).map_err(plot_error)?
        }
    };
    write_atomic(path, &bytes).map_err(|source| ExportError::io(path, source))
}

/// Writes `stem.svg` and `stem.png` with the same chart; see [`plot_series`].
pub fn plot_svg_and_png(
    stem: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<(), ExportError> {
    for extension in ["svg", "png"] {
        let path = stem.with_extension(extension);
        plot_series(&path, title, x_label, y_label, series, log_y)?;
    }
    Ok(())
}

struct Labels<'a> {
    title: &'a str,
    x: &'a str,
    y: &'a str,
    log_y: bool,
}

/// Keeps the finite points, as `log10(y)` when `log_y` (dropping `y <= 0`).
fn finite_series(series: &Series, log_y: bool) -> Series {
    let points = series
        .points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite() && (!log_y || *y > 0.0))
        .map(|&(x, y)| if log_y { (x, y.log10()) } else { (x, y) })
        .collect();
    Series {
        points,
        ..series.clone()
    }
}

/// Bounds over every point, widened when empty or of zero span.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi > lo {
        let pad = 0.03 * (hi - lo);
        return (lo - pad, hi + pad);
    }
    let half = if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
    (lo - half, hi + half)
}

/// Draws the chart on `root`. Without `text`, no title, tick labels or
/// legend names are drawn (see the module documentation).
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &[Series],
    labels: &Labels,
    text: bool,
) -> Result<(), String> {
    let to_message = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| to_message(&e))?;
    let x = bounds(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let y = bounds(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let mut builder = ChartBuilder::on(root);
    builder.margin(16);
    if text {
        builder
            .caption(labels.title, ("sans-serif", 24))
            .x_label_area_size(44)
            .y_label_area_size(72);
    } else {
        builder.x_label_area_size(8).y_label_area_size(8);
    }
    let mut chart = builder
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(|e| to_message(&e))?;
    let log_y = labels.log_y;
    let y_format = |v: &f64| {
        if log_y {
            format!("1e{v:.1}")
        } else {
            crate::headless::number::format_float(*v)
        }
    };
    let x_format = |v: &f64| format!("{v:.3}");
    let mut mesh = chart.configure_mesh();
    if text {
        mesh.x_desc(labels.x)
            .y_desc(labels.y)
            .x_label_formatter(&x_format)
            .y_label_formatter(&y_format);
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw().map_err(|e| to_message(&e))?;

    for s in series {
        let color = RGBColor(s.rgb.0, s.rgb.1, s.rgb.2);
        let annotation = match s.mark {
            Mark::Points => chart
                .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| to_message(&e))?,
            Mark::Line | Mark::ThinLine => {
                let width = if s.mark == Mark::Line { 2 } else { 1 };
                let style = color.stroke_width(width);
                chart
                    .draw_series(LineSeries::new(s.points.iter().copied(), style))
                    .map_err(|e| to_message(&e))?
            }
        };
        if text && !s.label.is_empty() {
            annotation.label(s.label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| to_message(&e))?;
    } else {
        draw_swatches(root, series).map_err(|e| to_message(&e))?;
    }
    Ok(())
}

/// Draws one colour swatch per named series in the top right corner: the
/// legend of a chart without text, in series order.
fn draw_swatches<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &[Series],
) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    let right = width as i32 - 28;
    for (row, s) in series.iter().filter(|s| !s.label.is_empty()).enumerate() {
        let y = 28 + 14 * row as i32;
        let color = RGBColor(s.rgb.0, s.rgb.1, s.rgb.2);
        root.draw(&PathElement::new(
            vec![(right - 24, y), (right, y)],
            color.stroke_width(4),
        ))?;
    }
    Ok(())
}

/// Encodes 8-bit RGB pixels, row by row, as a PNG file.
fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}
