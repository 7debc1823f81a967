//! Drawing one chart view: its lines ready to plot, the title on the top
//! border and the legend on the bottom one.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::axis;
use super::chart_legend::{LegendEntry, ViewPlace, chart_heading, chart_legend};
use super::chart_views::ChartView;
use super::charts::render_step_lines;
use super::theme::{Role, Theme};
use crate::app::history::Series;

/// One line of a chart, ready to plot, with its legend entry.
#[derive(Clone, Debug)]
pub(crate) struct PlottedLine {
    pub legend: LegendEntry,
    /// Points to draw: `log10` of the values on a log axis, where values
    /// <= 0 are left out.
    pub points: Vec<(f64, f64)>,
    pub non_finite: u64,
    /// Steps the series covers, `None` when it is missing or empty.
    pub steps: Option<(u64, u64)>,
}

impl PlottedLine {
    /// Builds the line of `series`. A missing series (a layer that has not
    /// reported, or that the run does not have) gives a legend entry
    /// without value and no points.
    pub fn new(
        role: Role,
        name: &str,
        short_name: &str,
        series: Option<&Series>,
        log_y: bool,
    ) -> PlottedLine {
        let mut points = series.map(Series::line_points).unwrap_or_default();
        if log_y {
            points = points
                .into_iter()
                .filter(|p| p.1 > 0.0)
                .map(|(x, y)| (x, y.log10()))
                .collect();
        }
        PlottedLine {
            legend: LegendEntry {
                role,
                name: name.to_string(),
                short_name: short_name.to_string(),
                latest: series.and_then(Series::latest),
            },
            points,
            non_finite: series.map_or(0, Series::non_finite_count),
            steps: series.and_then(Series::step_range),
        }
    }
}

/// Draws `view` with `lines` into `area`: the title from `place`, the
/// legend with every line and reference, and a message instead of the
/// plot while no line has a point.
pub(crate) fn render_view(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    view: &ChartView,
    place: ViewPlace,
    lines: &[PlottedLine],
) {
    let inner_width = area.width.saturating_sub(2);
    let mut entries: Vec<LegendEntry> = lines.iter().map(|line| line.legend.clone()).collect();
    entries.extend(view.references.iter().map(|reference| LegendEntry {
        role: Role::Chance,
        name: reference.name.clone(),
        short_name: reference.name.clone(),
        latest: None,
    }));
    let non_finite: u64 = lines.iter().map(|line| line.non_finite).sum();
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(chart_heading(view, place, theme, inner_width))
        .title_bottom(chart_legend(&entries, non_finite, theme, inner_width));
    // A double border marks the focus. Not a thick one, because the legend
    // swatches are thick lines.
    if place.focused && !theme.ascii {
        block = block.border_set(border::DOUBLE);
    }

    let steps = lines
        .iter()
        .filter_map(|line| line.steps)
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    if lines.iter().all(|line| line.points.is_empty()) {
        let text = if steps.is_some() && view.log_y {
            "no positive values to plot"
        } else {
            "waiting for data"
        };
        let message = Paragraph::new(text)
            .style(theme.dim())
            .alignment(Alignment::Center)
            .block(block);
        frame.render_widget(message, area);
        return;
    }

    // Reference lines span the x axis and go first, so that the data lines
    // are drawn over them.
    let [x0, x1] = axis::step_axis(steps).bounds;
    let references: Vec<[(f64, f64); 2]> = view
        .references
        .iter()
        .filter_map(|reference| reference_level(reference.value, view.log_y))
        .map(|level| [(x0, level), (x1, level)])
        .collect();
    let mut plotted: Vec<(Role, &[(f64, f64)])> = references
        .iter()
        .map(|points| (Role::Chance, points.as_slice()))
        .collect();
    plotted.extend(
        lines
            .iter()
            .map(|line| (line.legend.role, line.points.as_slice())),
    );
    render_step_lines(frame, area, block, &plotted, view.log_y, steps, theme);
}

/// Height at which a reference `value` is drawn: `log10(value)` on a log
/// axis. A value that is not finite, or <= 0 on a log axis, is not drawn.
fn reference_level(value: f64, log_y: bool) -> Option<f64> {
    let level = if log_y && value > 0.0 {
        value.log10()
    } else if log_y {
        return None;
    } else {
        value
    };
    level.is_finite().then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::chart_focus::ChartSlot;
    use crate::app::fixtures::{
        buffer_lines, compare_app, deep_preset, feed_rows, render_buffer, render_with, rich_row,
        sample_preset, sample_row, teacher_preset,
    };
    use crate::app::{Action, App};
    use crate::config::CompareRun;
    use crate::ui::ColorDepth;
    use crate::ui::charts::render_metric_chart;
    use crate::ui::compare_charts::render_compare_chart;
    use crate::ui::palette::series_color;
    use ratatui::buffer::Buffer;

    const COLOR: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };
    const MONOCHROME: Theme = Theme {
        depth: ColorDepth::Monochrome,
        ascii: false,
    };

    fn screen(app: &App, theme: &Theme, width: u16, height: u16) -> String {
        buffer_lines(&render_buffer(app, theme, width, height)).join("\n")
    }

    /// Builds a single-run app of `preset` with 200 rows from `row`.
    fn single_app(
        preset: crate::config::types::Preset,
        row: impl Fn(u64) -> crate::train::snapshot::MetricRow,
    ) -> App {
        let mut app = App::new(preset, Vec::new());
        feed_rows(&mut app, 0, 0, (0..200).map(|i| row(i * 10)).collect());
        app
    }

    /// Renders view `index` of the chart at `slot` of `app` alone.
    fn render_view_of(app: &App, slot: ChartSlot, index: usize, theme: &Theme) -> Buffer {
        let views = app.chart_views(slot);
        let view = &views[index];
        render_with(70, 24, |frame| {
            let area = frame.area();
            if app.is_comparing() {
                render_compare_chart(frame, area, app.runs(), theme, view, ViewPlace::ONLY);
            } else {
                render_metric_chart(frame, area, app.histories(), theme, view, ViewPlace::ONLY);
            }
        })
    }

    /// Number of braille cells drawn in `color`.
    fn cells_in(buffer: &Buffer, color: ratatui::style::Color) -> usize {
        buffer
            .content
            .iter()
            .filter(|cell| cell.fg == color)
            .filter(|cell| {
                cell.symbol()
                    .chars()
                    .all(|c| ('\u{2801}'..='\u{28FF}').contains(&c))
            })
            .count()
    }

    /// Number of plot cells (right of the y axis) that show `marker`.
    fn marker_cells(buffer: &Buffer, marker: char) -> usize {
        let lines = buffer_lines(buffer);
        // Rows 1 to height - 4 hold the plot. After the left border come
        // the y labels, up to the axis bar.
        lines[1..lines.len() - 3]
            .iter()
            .map(|line| {
                let inner: String = line.chars().skip(1).collect();
                let plot = inner.split_once('│').map_or("", |(_, rest)| rest);
                plot.chars().filter(|c| *c == marker).count()
            })
            .sum()
    }

    #[test]
    fn compare_titles_name_each_view() {
        let mut app = compare_app(200);
        for slot in ChartSlot::ALL {
            let views = app.chart_views(slot);
            for (index, view) in views.iter().enumerate() {
                for (width, height) in [(80, 24), (120, 40)] {
                    let text = screen(&app, &COLOR, width, height);
                    let shown = text.contains(&view.title) || text.contains(&view.short_title);
                    assert!(shown, "{slot:?} view {index} at {width}x{height}:\n{text}");
                    assert_eq!(text.matches('▶').count(), 1, "{text}");
                    assert!(text.contains("━ mean-field"), "{text}");
                    assert!(text.contains("━ standard"), "{text}");
                }
                app.update(Action::CycleChartMetric { forward: true });
            }
            app.update(Action::FocusChart { forward: true });
        }
    }

    #[test]
    fn compare_test_loss_view_at_80x24() {
        let mut app = compare_app(200);
        app.update(Action::CycleChartMetric { forward: true });
        let text = screen(&app, &COLOR, 80, 24);
        assert!(text.contains("╔ ▶ test loss 2/2 (log) "), "{text}");
        // The other charts stay on their first view, unfocused.
        assert!(text.contains("┌ feature change 1/3 "), "{text}");
        assert!(text.contains("┌ kernel distance 1/3 "), "{text}");
    }

    #[test]
    fn compare_ascii_marks_focus() {
        let theme = Theme {
            depth: ColorDepth::Monochrome,
            ascii: true,
        };
        let mut app = compare_app(200);
        app.update(Action::FocusChart { forward: true });
        app.update(Action::CycleChartMetric { forward: true });
        let text = screen(&app, &theme, 80, 24);
        assert!(text.is_ascii(), "{text}");
        assert!(text.contains("+ > weight change W 2/3 "), "{text}");
        assert!(text.contains("* mean-field"), "{text}");
        assert!(text.contains("# standard"), "{text}");
    }

    #[test]
    fn single_shallow_run_has_no_focus_marker() {
        let app = single_app(sample_preset(), sample_row);
        let text = screen(&app, &COLOR, 120, 40);
        assert!(!text.contains('▶'), "{text}");
        assert!(!text.contains("1/"), "{text}");
    }

    #[test]
    fn layer_view_draws_each_layer() {
        let mut app = single_app(deep_preset(3), |step| rich_row(step, 3, false));
        app.update(Action::CycleChartMetric { forward: true });
        let text = screen(&app, &COLOR, 120, 40);
        assert!(
            text.contains("▶ weight change by layer (Frobenius) 2/3 (log)"),
            "{text}"
        );
        for name in ["W1 0.", "W2 0.", "W3 0."] {
            assert!(text.contains(name), "missing {name:?}:\n{text}");
        }
        let buffer = render_view_of(&app, ChartSlot::Change, 1, &COLOR);
        for slot in 0..3 {
            let cells = cells_in(&buffer, series_color(COLOR.depth, slot));
            assert!(cells > 20, "layer {}: {cells} cells", slot + 1);
        }
        let spectral = buffer_lines(&render_view_of(&app, ChartSlot::Change, 2, &COLOR)).join("\n");
        assert!(spectral.contains("W3 0.29"), "{spectral}");
    }

    #[test]
    fn layer_view_without_layer_rows() {
        // A deep run whose rows carry no per-layer change yet: the legend
        // names W2 and W3 without a value, and only W1 is drawn.
        let app = single_app(deep_preset(3), sample_row);
        let buffer = render_view_of(&app, ChartSlot::Change, 1, &COLOR);
        let text = buffer_lines(&buffer).join("\n");
        assert!(text.contains("━ W2 ━ W3 "), "{text}");
        assert!(
            cells_in(&buffer, series_color(COLOR.depth, 0)) > 20,
            "{text}"
        );
        assert_eq!(cells_in(&buffer, series_color(COLOR.depth, 1)), 0, "{text}");
        assert_eq!(cells_in(&buffer, series_color(COLOR.depth, 2)), 0, "{text}");
    }

    #[test]
    fn layer_view_markers_without_colour() {
        let app = single_app(deep_preset(3), |step| rich_row(step, 3, false));
        let buffer = render_view_of(&app, ChartSlot::Change, 2, &MONOCHROME);
        let text = buffer_lines(&buffer).join("\n");
        for marker in ['1', '2', '3'] {
            assert!(marker_cells(&buffer, marker) > 10, "{marker}:\n{text}");
        }
        assert!(text.contains("1 W1 "), "{text}");
    }

    #[test]
    fn teacher_view_draws_chance_line() {
        let app = single_app(teacher_preset(1, 16), |step| rich_row(step, 1, true));
        let text = screen(&app, &COLOR, 120, 40);
        assert!(text.contains("teacher alignment 1/2"), "{text}");
        assert!(text.contains("━ teacher alignment 0.4"), "{text}");
        assert!(text.contains("━ chance 1/16 "), "{text}");

        let ascii = Theme {
            depth: ColorDepth::Monochrome,
            ascii: true,
        };
        let buffer = render_view_of(&app, ChartSlot::Kernel, 0, &ascii);
        let lines = buffer_lines(&buffer);
        // The chance level 1/16 is the lowest value, so its line of '.'
        // runs along the bottom plot row, under the start of the curve.
        let chance_row = lines
            .iter()
            .find(|line| line.matches('.').count() > 40)
            .unwrap_or_else(|| panic!("no chance line:\n{}", lines.join("\n")));
        assert!(chance_row.contains("0.06"), "{chance_row}");
        assert!(marker_cells(&buffer, '*') > 20, "{}", lines.join("\n"));
    }

    #[test]
    fn teacher_view_absent_without_teacher() {
        let app = single_app(sample_preset(), sample_row);
        let text = screen(&app, &COLOR, 120, 40);
        assert!(!text.contains("teacher"), "{text}");
        assert!(!text.contains("chance"), "{text}");
    }

    /// Builds a compare app of `first` and `second`, each fed 200 rows of
    /// `rich_row` with its own depth and teacher flag.
    fn mixed_compare(
        first: crate::config::types::Preset,
        second: crate::config::types::Preset,
    ) -> App {
        let runs = vec![
            CompareRun {
                label: "first".to_string(),
                preset: first,
            },
            CompareRun {
                label: "second".to_string(),
                preset: second,
            },
        ];
        let mut app = App::new(sample_preset(), Vec::new()).with_compare(runs);
        for run in 0..2 {
            let preset = app.runs()[run].preset().clone();
            let teacher = preset.data.kind == crate::config::types::DataKind::Teacher;
            let depth = preset.model.depth;
            let rows = (0..200).map(|i| rich_row(i * 10, depth, teacher)).collect();
            feed_rows(&mut app, run, 0, rows);
        }
        app
    }

    #[test]
    fn compare_teacher_line_missing_for_plain_run() {
        let app = mixed_compare(teacher_preset(1, 16), sample_preset());
        let buffer = render_view_of(&app, ChartSlot::Kernel, 0, &MONOCHROME);
        let text = buffer_lines(&buffer).join("\n");
        assert!(text.contains("teacher alignment"), "{text}");
        assert!(text.contains("* first 0.4"), "{text}");
        // The plain run keeps its legend entry, without a value or a line.
        assert!(text.contains("# second . chance 1/16 "), "{text}");
        assert!(marker_cells(&buffer, '*') > 20, "{text}");
        assert_eq!(marker_cells(&buffer, '#'), 0, "{text}");
    }

    #[test]
    fn compare_shallow_run_lacks_deep_layer() {
        let app = mixed_compare(deep_preset(3), sample_preset());
        let views = app.chart_views(ChartSlot::Change);
        let index = views
            .iter()
            .position(|view| view.title == "weight change W3")
            .expect("a view of layer 3");
        let buffer = render_view_of(&app, ChartSlot::Change, index, &MONOCHROME);
        let text = buffer_lines(&buffer).join("\n");
        assert!(marker_cells(&buffer, '*') > 20, "{text}");
        assert_eq!(marker_cells(&buffer, '#'), 0, "{text}");
        // Layer 1 exists in both runs.
        let buffer = render_view_of(&app, ChartSlot::Change, 1, &MONOCHROME);
        assert!(
            marker_cells(&buffer, '#') > 20,
            "{}",
            buffer_lines(&buffer).join("\n")
        );
    }

    #[test]
    fn reference_levels_on_log_axis() {
        assert_eq!(reference_level(0.01, true), Some(-2.0));
        assert_eq!(reference_level(0.0, true), None);
        assert_eq!(reference_level(-1.0, false), Some(-1.0));
        assert_eq!(reference_level(f64::NAN, false), None);
        assert_eq!(reference_level(f64::INFINITY, true), None);
    }
}
