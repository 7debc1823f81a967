//! The metric charts of a single run, and the step plot that every metric
//! chart draws with.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

use super::axis::{self, AxisScale};
use super::chart_legend::ViewPlace;
use super::chart_plot::{PlottedLine, render_view};
use super::chart_views::ChartView;
use super::theme::{Role, Theme};
use crate::app::history::MetricHistories;

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

/// Draws `view` of a single run from `histories`, one line per metric of
/// the view, with the title that `place` selects.
pub fn render_metric_chart(
    frame: &mut Frame,
    area: Rect,
    histories: &MetricHistories,
    theme: &Theme,
    view: &ChartView,
    place: ViewPlace,
) {
    let lines: Vec<PlottedLine> = view
        .lines
        .iter()
        .map(|line| {
            let series = histories.metric(&line.metric);
            PlottedLine::new(line.role, &line.name, &line.short_name, series, view.log_y)
        })
        .collect();
    render_view(frame, area, theme, view, place, &lines);
}

/// Draws one line per `(role, points)` over steps inside `block`. The y
/// axis fits every point, with power-of-ten labels when `log_y` (the points
/// are then `log10` values); the x axis spans `steps`, as
/// [`axis::step_axis`] sets it.
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
    use crate::ui::chart_legend::ViewPlace;

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

    /// Draws one chart of `app` alone into a `width x height` buffer.
    fn chart_buffer(
        app: &App,
        spec: &ChartSpec,
        theme: &Theme,
        size: (u16, u16),
    ) -> ratatui::buffer::Buffer {
        render_with(size.0, size.1, |frame| {
            render_metric_chart(
                frame,
                frame.area(),
                app.histories(),
                theme,
                &ChartView::from(spec),
                ViewPlace::ONLY,
            );
        })
    }

    fn render_chart(app: &App, spec: &ChartSpec, width: u16, height: u16) -> Vec<String> {
        buffer_lines(&chart_buffer(app, spec, &COLOR, (width, height)))
    }

    #[test]
    fn loss_chart_draws_log_axis() {
        let app = app_with_history(sample_info(), 300);
        let buffer = chart_buffer(&app, &LOSS_CHART, &COLOR, (60, 12));
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
                render_metric_chart(
                    frame,
                    frame.area(),
                    app.histories(),
                    &COLOR,
                    &ChartView::from(&spec),
                    ViewPlace::ONLY,
                );
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
        let buffer = chart_buffer(&app, &CHANGE_CHART, &COLOR, (60, 12));
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
            let buffer = chart_buffer(&app, &KERNEL_CHART, &theme, (60, 12));
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
        // The legend is the bottom border, row 7 of 8.
        let wide = render_chart(&app, &KERNEL_CHART, 90, 8);
        assert!(wide[7].contains("distance 0."), "{}", wide[7]);
        let narrow = render_chart(&app, &KERNEL_CHART, 30, 8);
        assert!(narrow[7].contains("dist"), "{}", narrow[7]);
        assert!(!narrow[7].contains("distance"), "{}", narrow[7]);
    }
}
