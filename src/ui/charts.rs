//! The three metric charts: loss, weight and feature change, kernel metrics.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};

use super::axis::{self, AxisScale};
use super::format::format_value;
use super::theme::{Role, Theme};
use crate::app::App;
use crate::app::history::Series;

/// One plotted metric: its column name, role, and legend names.
#[derive(Clone, Copy, Debug)]
pub struct SeriesSpec {
    pub metric: &'static str,
    pub role: Role,
    pub name: &'static str,
    pub short_name: &'static str,
}

/// A chart of several metrics over steps.
#[derive(Clone, Copy, Debug)]
pub struct ChartSpec {
    pub title: &'static str,
    pub series: &'static [SeriesSpec],
    /// Plot `log10` of the values; values <= 0 are left out.
    pub log_y: bool,
}

pub const LOSS_CHART: ChartSpec = ChartSpec {
    title: "loss",
    series: &[
        SeriesSpec {
            metric: "train_loss",
            role: Role::TrainLoss,
            name: "train",
            short_name: "train",
        },
        SeriesSpec {
            metric: "test_loss",
            role: Role::TestLoss,
            name: "test",
            short_name: "test",
        },
    ],
    log_y: true,
};

pub const CHANGE_CHART: ChartSpec = ChartSpec {
    title: "change",
    series: &[
        SeriesSpec {
            metric: "weight_change_w",
            role: Role::WeightChangeW,
            name: "weights W",
            short_name: "W",
        },
        SeriesSpec {
            metric: "weight_change_a",
            role: Role::WeightChangeA,
            name: "readout a",
            short_name: "a",
        },
        SeriesSpec {
            metric: "feature_change",
            role: Role::FeatureChange,
            name: "features",
            short_name: "feat",
        },
    ],
    log_y: false,
};

pub const KERNEL_CHART: ChartSpec = ChartSpec {
    title: "kernel",
    series: &[
        SeriesSpec {
            metric: "kernel_distance",
            role: Role::KernelDistance,
            name: "distance",
            short_name: "dist",
        },
        SeriesSpec {
            metric: "kernel_change",
            role: Role::KernelChange,
            name: "change",
            short_name: "chg",
        },
        SeriesSpec {
            metric: "kernel_alignment",
            role: Role::KernelAlignment,
            name: "alignment",
            short_name: "align",
        },
    ],
    log_y: false,
};

/// Points of one series ready to plot, and its legend values.
struct Plotted<'a> {
    spec: &'a SeriesSpec,
    points: Vec<(f64, f64)>,
    latest: Option<f64>,
    non_finite: u64,
}

fn plotted_series<'a>(app: &App, spec: &'a SeriesSpec, log_y: bool) -> Plotted<'a> {
    let series: Option<&Series> = app.histories().metric(spec.metric);
    let mut points = series.map(Series::line_points).unwrap_or_default();
    if log_y {
        points = points
            .into_iter()
            .filter(|p| p.1 > 0.0)
            .map(|(x, y)| (x, y.log10()))
            .collect();
    }
    Plotted {
        spec,
        points,
        latest: series.and_then(Series::latest),
        non_finite: series.map_or(0, Series::non_finite_count),
    }
}

/// Draws the chart described by `spec` from the app's histories.
pub fn render_metric_chart(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    spec: &ChartSpec,
) {
    let plotted: Vec<Plotted> = spec
        .series
        .iter()
        .map(|s| plotted_series(app, s, spec.log_y))
        .collect();
    let title = chart_title(spec, &plotted, theme, area.width.saturating_sub(2));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(title);

    if plotted.iter().all(|p| p.points.is_empty()) {
        let has_rows = step_range(app, spec).is_some();
        let text = if has_rows && spec.log_y {
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

    let lines: Vec<(Role, &[(f64, f64)])> = plotted
        .iter()
        .map(|p| (p.spec.role, p.points.as_slice()))
        .collect();
    let steps = step_range(app, spec);
    render_step_lines(frame, area, block, &lines, spec.log_y, steps, theme);
}

/// Draws one line per `(role, points)` over steps inside `block`. The y
/// axis fits every point, with power-of-ten labels when `log_y` (the points
/// are then `log10` values); the x axis spans `steps`.
pub(crate) fn render_step_lines(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    lines: &[(Role, &[(f64, f64)])],
    log_y: bool,
    steps: Option<(u64, u64)>,
    theme: &Theme,
) {
    // Borders and the x axis take four rows; a y label every other row.
    let graph_height = area.height.saturating_sub(4);
    let label_count = usize::from(graph_height / 2 + 1).clamp(2, 5);
    let y_range = axis::finite_range(lines.iter().flat_map(|l| l.1.iter().map(|q| q.1)));
    let y_scale = if log_y {
        axis::log10_axis(y_range, label_count, theme.ascii)
    } else {
        axis::linear_axis(y_range, 0.0, label_count)
    };
    let x_scale = axis::step_axis(steps);

    let datasets = lines
        .iter()
        .map(|(role, points)| {
            Dataset::default()
                .marker(theme.marker(*role))
                .graph_type(GraphType::Line)
                .style(theme.style(*role))
                .data(points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(styled_axis(x_scale, theme))
        .y_axis(styled_axis(y_scale, theme));
    frame.render_widget(chart, area);
}

/// Steps covered by any series of the chart.
fn step_range(app: &App, spec: &ChartSpec) -> Option<(u64, u64)> {
    spec.series
        .iter()
        .filter_map(|s| app.histories().metric(s.metric)?.step_range())
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
}

/// Note that `count` NaN or infinite values were left out of a plot.
pub(crate) fn non_finite_note(count: u64) -> String {
    format!("{count} NaN/inf skipped")
}

pub(crate) fn styled_axis(scale: AxisScale, theme: &Theme) -> Axis<'static> {
    Axis::default()
        .bounds(scale.bounds)
        .labels(
            scale
                .labels
                .into_iter()
                .map(|l| Span::styled(l, theme.dim())),
        )
        .style(theme.dim())
}

/// How much of each series the inline legend shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LegendForm {
    NameAndValue,
    Name,
    ShortName,
}

fn legend_label(plotted: &Plotted, form: LegendForm) -> String {
    match (form, plotted.latest) {
        (LegendForm::NameAndValue, Some(value)) => {
            format!(" {} {} ", plotted.spec.name, format_value(value))
        }
        (LegendForm::NameAndValue | LegendForm::Name, _) => format!(" {} ", plotted.spec.name),
        (LegendForm::ShortName, _) => format!(" {} ", plotted.spec.short_name),
    }
}

/// Title with an inline legend. It uses the longest form that fits `width`
/// and falls back to short names, which the border may then cut off.
fn chart_title(spec: &ChartSpec, plotted: &[Plotted], theme: &Theme, width: u16) -> Line<'static> {
    let heading = if spec.log_y {
        format!(" {} (log) ", spec.title)
    } else {
        format!(" {} ", spec.title)
    };
    let non_finite: u64 = plotted.iter().map(|p| p.non_finite).sum();
    let warning = (non_finite > 0).then(|| format!("{} ", non_finite_note(non_finite)));
    let fixed = heading.chars().count() + warning.as_ref().map_or(0, |w| w.chars().count());

    let forms = [
        LegendForm::NameAndValue,
        LegendForm::Name,
        LegendForm::ShortName,
    ];
    let form = forms
        .into_iter()
        .find(|form| {
            // Each entry is a one-column swatch plus its label.
            let length: usize = plotted
                .iter()
                .map(|p| 1 + legend_label(p, *form).chars().count())
                .sum();
            fixed + length <= usize::from(width)
        })
        .unwrap_or(LegendForm::ShortName);

    // The warning comes before the legend so that a narrow border cuts the
    // legend, not the warning.
    let mut spans = vec![Span::styled(heading, theme.bold())];
    if let Some(text) = warning {
        spans.push(Span::styled(text, theme.style(Role::Warning)));
    }
    for p in plotted {
        spans.push(theme.swatch(p.spec.role));
        spans.push(Span::raw(legend_label(p, form)));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{
        app_with_history, braille_cells, buffer_lines, render_with, sample_info, sample_preset,
        sample_row,
    };
    use crate::app::{Action, App};
    use crate::train::snapshot::{MetricRow, RunState, Snapshot};
    use crate::ui::ColorDepth;

    const COLOR: Theme = Theme {
        depth: ColorDepth::Ansi16,
        ascii: false,
    };

    fn app_with_rows(rows: Vec<MetricRow>) -> App {
        let mut app = App::new(sample_preset(), Vec::new());
        let snapshot = Snapshot {
            generation: 0,
            step: rows.last().map_or(0, |r| r.step),
            steps_per_second: 0.0,
            state: RunState::Running,
            info: None,
            rows,
            view: None,
        };
        app.update(Action::Snapshot(0, Box::new(snapshot)));
        app
    }

    fn render_chart(app: &App, spec: &ChartSpec, width: u16, height: u16) -> Vec<String> {
        let buffer = render_with(width, height, |frame| {
            render_metric_chart(frame, frame.area(), app, &COLOR, spec);
        });
        buffer_lines(&buffer)
    }

    #[test]
    fn loss_chart_draws_log_axis() {
        let app = app_with_history(sample_info(), 300);
        let buffer = render_with(60, 12, |frame| {
            render_metric_chart(frame, frame.area(), &app, &COLOR, &LOSS_CHART);
        });
        let text = buffer_lines(&buffer).join("\n");
        assert!(text.contains(" loss (log) "), "{text}");
        assert!(text.contains("train"), "{text}");
        assert!(text.contains("10⁻"), "no power-of-ten label:\n{text}");
        assert!(text.contains("2990"), "last step label missing:\n{text}");
        assert!(
            braille_cells(&buffer) > 20,
            "too few plotted cells:\n{text}"
        );
    }

    #[test]
    fn every_chart_plots_history() {
        let app = app_with_history(sample_info(), 300);
        for spec in [LOSS_CHART, CHANGE_CHART, KERNEL_CHART] {
            let buffer = render_with(50, 10, |frame| {
                render_metric_chart(frame, frame.area(), &app, &COLOR, &spec);
            });
            let text = buffer_lines(&buffer).join("\n");
            assert!(text.contains(spec.title), "{text}");
            assert!(braille_cells(&buffer) > 10, "{}:\n{text}", spec.title);
        }
    }

    #[test]
    fn chart_without_rows_waits() {
        let app = App::new(sample_preset(), Vec::new());
        let text = render_chart(&app, &KERNEL_CHART, 40, 8).join("\n");
        assert!(text.contains("waiting for data"), "{text}");
    }

    #[test]
    fn chart_counts_non_finite_values() {
        let mut rows: Vec<MetricRow> = (0..20).map(|i| sample_row(i * 10)).collect();
        rows[3].values[0] = f64::NAN;
        rows[4].values[0] = f64::INFINITY;
        rows[5].values[1] = f64::NEG_INFINITY;
        let app = app_with_rows(rows);
        let text = render_chart(&app, &LOSS_CHART, 60, 10).join("\n");
        assert!(text.contains("3 NaN/inf skipped"), "{text}");
    }

    #[test]
    fn chart_single_point_and_constant() {
        let app = app_with_rows(vec![sample_row(0)]);
        for spec in [LOSS_CHART, CHANGE_CHART, KERNEL_CHART] {
            let text = render_chart(&app, &spec, 40, 8).join("\n");
            assert!(text.contains(spec.title), "{text}");
            assert!(!text.contains("waiting"), "{text}");
        }
    }

    #[test]
    fn chart_all_nan_and_zero_loss() {
        let mut nan_row = sample_row(0);
        nan_row.values = [f64::NAN; 11];
        let mut zero_row = sample_row(10);
        zero_row.values = [0.0; 11];
        let app = app_with_rows(vec![nan_row, zero_row]);
        let loss = render_chart(&app, &LOSS_CHART, 40, 8).join("\n");
        assert!(loss.contains("no positive values"), "{loss}");
        assert!(loss.contains("2 NaN/inf skipped"), "{loss}");
        let change = render_chart(&app, &CHANGE_CHART, 40, 8).join("\n");
        assert!(change.contains("change"), "{change}");
    }

    #[test]
    fn chart_extreme_values() {
        let extremes = [
            f64::MAX,
            -f64::MAX,
            1e308,
            f64::MIN_POSITIVE,
            5e-324,
            0.0,
            -0.0,
        ];
        let rows: Vec<MetricRow> = extremes
            .iter()
            .enumerate()
            .map(|(i, value)| MetricRow {
                values: [*value; 11],
                ..sample_row(i as u64 * 10)
            })
            .collect();
        let app = app_with_rows(rows);
        for spec in [LOSS_CHART, CHANGE_CHART, KERNEL_CHART] {
            let text = render_chart(&app, &spec, 60, 12).join("\n");
            assert!(text.contains(spec.title), "{text}");
            assert!(!text.contains("inf"), "{}:\n{text}", spec.title);
            assert!(!text.contains("NaN"), "{}:\n{text}", spec.title);
        }
    }

    #[test]
    fn chart_constant_series_at_max() {
        let rows: Vec<MetricRow> = (0..5)
            .map(|i| MetricRow {
                values: [f64::MAX; 11],
                ..sample_row(i * 10)
            })
            .collect();
        let app = app_with_rows(rows);
        let buffer = render_with(60, 12, |frame| {
            render_metric_chart(frame, frame.area(), &app, &COLOR, &CHANGE_CHART);
        });
        let text = buffer_lines(&buffer).join("\n");
        assert!(!text.contains("inf"), "{text}");
        assert!(braille_cells(&buffer) > 5, "{text}");
    }

    #[test]
    fn chart_series_colours_differ_at_each_depth() {
        let app = app_with_history(sample_info(), 300);
        for depth in [
            ColorDepth::Ansi16,
            ColorDepth::Ansi256,
            ColorDepth::TrueColor,
        ] {
            let theme = Theme {
                depth,
                ascii: false,
            };
            let buffer = render_with(60, 12, |frame| {
                render_metric_chart(frame, frame.area(), &app, &theme, &KERNEL_CHART);
            });
            // Colours of the plotted braille cells, first seen first.
            let mut colours = Vec::new();
            for cell in &buffer.content {
                let is_braille = cell
                    .symbol()
                    .chars()
                    .all(|c| ('\u{2801}'..='\u{28FF}').contains(&c));
                if is_braille && !colours.contains(&cell.fg) {
                    colours.push(cell.fg);
                }
            }
            assert_eq!(colours.len(), 3, "{depth:?}: {colours:?}");
            for index in 0..3 {
                let expected = crate::ui::palette::series_color(depth, index);
                assert!(colours.contains(&expected), "{depth:?}: {colours:?}");
            }
        }
    }

    #[test]
    fn chart_tiny_areas_do_not_panic() {
        let app = app_with_history(sample_info(), 50);
        for (width, height) in [(1, 1), (2, 2), (3, 5), (10, 3), (5, 20)] {
            render_chart(&app, &LOSS_CHART, width, height);
            render_chart(&app, &KERNEL_CHART, width, height);
        }
    }

    #[test]
    fn legend_shortens_when_narrow() {
        let app = app_with_history(sample_info(), 50);
        let wide = render_chart(&app, &KERNEL_CHART, 90, 8);
        assert!(wide[0].contains("distance 0."), "{}", wide[0]);
        let narrow = render_chart(&app, &KERNEL_CHART, 40, 8);
        assert!(narrow[0].contains("dist"), "{}", narrow[0]);
        assert!(!narrow[0].contains("distance"), "{}", narrow[0]);
    }
}
