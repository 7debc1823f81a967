//! Line charts as SVG or PNG images, drawn with `plotters`.
//!
//! Both formats carry the same title, axis labels, tick labels and legend.
//! The PNG text is rasterised by `ab_glyph` from a font bundled in the
//! binary (see [`super::font`]), so no system font library is needed.

use std::path::Path;

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::chart::{ChartBuilder, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::element::{Circle, PathElement};
use plotters::series::LineSeries;
use plotters::style::{BLACK, Color, RGBColor, WHITE};

use super::ExportError;
use super::font::register_chart_font;
use super::ticks::{format_log_tick, format_tick};
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
    register_chart_font().map_err(plot_error)?;
    let bytes = match format {
        Format::Svg => {
            let mut text = String::new();
            let root = SVGBackend::with_string(&mut text, IMAGE_SIZE).into_drawing_area();
            draw_chart(&root, &series, &labels).map_err(plot_error)?;
            root.present().map_err(|e| plot_error(e.to_string()))?;
            drop(root);
            text.into_bytes()
        }
        Format::Png => {
            let (width, height) = IMAGE_SIZE;
            let mut pixels = vec![0u8; width as usize * height as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, IMAGE_SIZE).into_drawing_area();
                draw_chart(&root, &series, &labels).map_err(plot_error)?;
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

/// Draws the chart on `root`: title, axes with tick labels, the curves and
/// a legend of the named series.
fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &[Series],
    labels: &Labels,
) -> Result<(), String> {
    let to_message = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| to_message(&e))?;
    let x = bounds(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let y = bounds(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
    let mut builder = ChartBuilder::on(root);
    builder
        .margin(16)
        .caption(labels.title, ("sans-serif", 24))
        .x_label_area_size(44)
        .y_label_area_size(72);
    let mut chart = builder
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
        .map_err(|e| to_message(&e))?;
    let log_y = labels.log_y;
    let y_format = |v: &f64| {
        if log_y {
            format_log_tick(*v)
        } else {
            format_tick(*v, y)
        }
    };
    let x_format = |v: &f64| format_tick(*v, x);
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .map_err(|e| to_message(&e))?;

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
        if !s.label.is_empty() {
            annotation.label(s.label.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
        }
    }
    // plotters draws an empty legend box when no series is named.
    if series.iter().any(|s| !s.label.is_empty()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| to_message(&e))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixels with every channel below this count as text or axis ink. Grid
    /// lines (light grey), the white background and the mid-tone curve
    /// colours used here are all above it.
    const DARK: u8 = 90;

    /// Draws a one-curve PNG chart with `title` and a curve named `label`,
    /// and returns its RGB pixels.
    fn render_png(title: &str, label: &str) -> Vec<u8> {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("chart.png");
        let series = [Series {
            label: label.to_string(),
            points: vec![(0.0, 1.0), (1.0, 2.0), (2.0, 1.5)],
            rgb: (200, 120, 120),
            mark: Mark::Line,
        }];
        plot_series(&path, title, "step", "loss", &series, false).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut reader = png::Decoder::new(file).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), IMAGE_SIZE);
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        pixels.truncate(frame.buffer_size());
        pixels
    }

    /// Counts dark pixels in columns `xs` and rows `ys`.
    fn dark_pixels(pixels: &[u8], xs: std::ops::Range<usize>, ys: std::ops::Range<usize>) -> usize {
        let width = IMAGE_SIZE.0 as usize;
        ys.flat_map(|y| xs.clone().map(move |x| 3 * (y * width + x)))
            .filter(|&i| pixels[i..i + 3].iter().all(|&c| c < DARK))
            .count()
    }

    /// Counts the columns and the rows of `xs` by `ys` that contain a dark
    /// pixel. Text covers many of both, while an axis line covers one or
    /// two in one direction.
    fn dark_extent(
        pixels: &[u8],
        xs: std::ops::Range<usize>,
        ys: std::ops::Range<usize>,
    ) -> (usize, usize) {
        let columns = xs
            .clone()
            .filter(|&x| dark_pixels(pixels, x..x + 1, ys.clone()) > 0)
            .count();
        let rows = ys
            .filter(|&y| dark_pixels(pixels, xs.clone(), y..y + 1) > 0)
            .count();
        (columns, rows)
    }

    #[test]
    fn png_title_band_has_text() {
        // The caption is 24 px text below the 16 px top margin, so rows
        // 0..48 contain it. Columns 300..660 contain a short centred title
        // and no other part of the chart.
        let (xs, ys) = (300..660, 0..48);
        let with_title = dark_pixels(
            &render_png("training loss", "curve"),
            xs.clone(),
            ys.clone(),
        );
        let without_title = dark_pixels(&render_png("", "curve"), xs, ys);
        assert!(
            with_title > 100,
            "{with_title} dark pixels in the title band"
        );
        assert_eq!(without_title, 0, "dark pixels without a title");
    }

    #[test]
    fn png_has_tick_and_axis_labels() {
        let pixels = render_png("", "curve");
        // The y label area spans x from 16 (margin) to 88, left of the axis
        // line, and contains the tick labels and the rotated axis name. The
        // labels are several characters wide, so they cover far more than
        // the 10 columns an axis line or tick marks would.
        let (columns, _) = dark_extent(&pixels, 16..84, 100..500);
        assert!(columns > 20, "{columns} dark columns left of the y axis");
        // The x label area is the 44 px band above the bottom margin. Tick
        // labels and the axis name are several rows tall, unlike a line.
        let (_, rows) = dark_extent(&pixels, 100..900, 544..584);
        assert!(rows > 8, "{rows} dark rows below the x axis");
    }

    #[test]
    fn png_legend_names_series() {
        // The legend box is in the upper right of the plotting area. With a
        // named curve the corner contains the box border, the swatch and the
        // name. Without one, no legend is drawn.
        let (xs, ys) = (700..944, 40..120);
        let named = dark_pixels(&render_png("", "curve"), xs.clone(), ys.clone());
        let unnamed = dark_pixels(&render_png("", ""), xs, ys);
        assert!(named > 100, "{named} dark pixels in the legend corner");
        assert_eq!(unnamed, 0, "dark pixels in the corner without a legend");
    }
}
