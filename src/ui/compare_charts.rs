//! Metric charts of compare mode and the views they cycle through: one
//! metric per view, one line per run, each run in its colour from
//! [`super::theme::run_series`].

use ratatui::Frame;
use ratatui::layout::Rect;

use super::chart_legend::ViewPlace;
use super::chart_plot::{PlottedLine, render_view};
use super::chart_views::{ChartView, MetricLine, ReferenceLine, layer_metric, teacher_chance};
use super::theme::{Role, Theme};
use crate::app::chart_focus::ChartSlot;
use crate::app::history::TEACHER_ALIGNMENT;
use crate::app::run_slot::RunSlot;
use crate::config::types::Preset;

/// A chart of one metric across the runs.
#[derive(Clone, Copy, Debug)]
pub struct CompareChartSpec {
    pub title: &'static str,
    /// Title used when the full one does not fit.
    pub short_title: &'static str,
    /// Column name, one of `METRIC_NAMES`.
    pub metric: &'static str,
    /// Plot `log10` of the values; values <= 0 are left out.
    pub log_y: bool,
}

/// The training loss, how far the hidden features moved, and how far the
/// empirical NTK rotated: the metrics that tell a lazy run from a rich one.
/// An export draws these, and the TUI's compare charts cycle through them
/// and more (see [`super::chart_views`]).
pub const COMPARE_CHARTS: [CompareChartSpec; 3] = [
    CompareChartSpec {
        title: "train loss",
        short_title: "train loss",
        metric: "train_loss",
        log_y: true,
    },
    CompareChartSpec {
        title: "feature change",
        short_title: "features",
        metric: "feature_change",
        log_y: false,
    },
    CompareChartSpec {
        title: "kernel distance",
        short_title: "kernel dist.",
        metric: "kernel_distance",
        log_y: false,
    },
];

/// Draws `view` with one line per run of `runs`, each in its run's colour
/// and named by its label. Only the first metric of `view` is drawn,
/// because compare views have one.
pub fn render_compare_chart(
    frame: &mut Frame,
    area: Rect,
    runs: &[RunSlot],
    theme: &Theme,
    view: &ChartView,
    place: ViewPlace,
) {
    let Some(metric) = view.lines.first() else {
        return;
    };
    let lines: Vec<PlottedLine> = runs
        .iter()
        .enumerate()
        .map(|(index, run)| {
            let series = run.histories().metric(&metric.metric);
            let label = run.label();
            PlottedLine::new(Role::Run(index), label, label, series, view.log_y)
        })
        .collect();
    render_view(frame, area, theme, view, place, &lines);
}

impl From<&CompareChartSpec> for ChartView {
    fn from(spec: &CompareChartSpec) -> ChartView {
        compare_view(
            spec.title.to_string(),
            spec.short_title.to_string(),
            spec.metric.to_string(),
            spec.log_y,
        )
    }
}

/// Builds a compare view of the metric `metric`.
fn compare_view(title: String, short_title: String, metric: String, log_y: bool) -> ChartView {
    ChartView {
        lines: vec![MetricLine {
            metric,
            role: Role::Run(0),
            name: title.clone(),
            short_name: short_title.clone(),
        }],
        title,
        short_title,
        log_y,
        references: Vec::new(),
    }
}

pub(super) fn compare_views(presets: &[&Preset], slot: ChartSlot) -> Vec<ChartView> {
    let view = |title: &str, short: &str, metric: &str, log_y: bool| {
        compare_view(title.into(), short.into(), metric.into(), log_y)
    };
    match slot {
        ChartSlot::Loss => vec![
            ChartView::from(&COMPARE_CHARTS[0]),
            view("test loss", "test loss", "test_loss", true),
        ],
        ChartSlot::Change => compare_change_views(presets),
        ChartSlot::Kernel => {
            let mut views = Vec::new();
            let mut chances: Vec<ReferenceLine> = Vec::new();
            for chance in presets.iter().filter_map(|p| teacher_chance(p)) {
                if !chances.contains(&chance) {
                    chances.push(chance);
                }
            }
            if !chances.is_empty() {
                let mut teacher = view("teacher alignment", "teacher", TEACHER_ALIGNMENT, false);
                teacher.references = chances;
                views.push(teacher);
            }
            views.push(ChartView::from(&COMPARE_CHARTS[2]));
            views.push(view(
                "kernel change",
                "kernel change",
                "kernel_change",
                false,
            ));
            views.push(view(
                "kernel-target alignment",
                "kernel align.",
                "kernel_alignment",
                false,
            ));
            views
        }
    }
}

/// Feature change, the weight change of every layer and the readout, and
/// for deep runs the spectral change of every layer. The deepest run sets
/// the layer count, and shallower runs draw no line in the views of the
/// layers they lack.
fn compare_change_views(presets: &[&Preset]) -> Vec<ChartView> {
    let depth = presets.iter().map(|p| p.model.depth).max().unwrap_or(1);
    let mut views = vec![ChartView::from(&COMPARE_CHARTS[1])];
    for layer in 1..=depth {
        let name = if depth == 1 {
            "W".to_string()
        } else {
            format!("W{layer}")
        };
        views.push(compare_view(
            format!("weight change {name}"),
            format!("{name} change"),
            layer_metric(layer, false),
            false,
        ));
    }
    views.push(compare_view(
        "weight change a (readout)".into(),
        "a change".into(),
        "weight_change_a".into(),
        false,
    ));
    if depth > 1 {
        for layer in 1..=depth {
            views.push(compare_view(
                format!("spectral change W{layer}"),
                format!("W{layer} spectral"),
                layer_metric(layer, true),
                false,
            ));
        }
    }
    views
}
