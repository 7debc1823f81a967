//! The metric views each chart cycles through with `m`.
//!
//! One run: the loss chart shows training and test loss. The change chart
//! shows the first layer, the readout and the features, and for a deep
//! network every hidden layer, in the Frobenius and in the spectral ratio
//! with at most four layers per view. The kernel chart shows the kernel
//! metrics and, for teacher data, the teacher alignment against its chance
//! value `k / D`.
//!
//! Compare mode: every view is one metric with one line per run, so the
//! run colours are what distinguishes the lines. Those views are
//! listed in [`super::compare_charts`].

use super::charts::{CHANGE_CHART, ChartSpec, KERNEL_CHART, LOSS_CHART};
use super::compare_charts::compare_views;
use super::theme::Role;
use crate::app::chart_focus::ChartSlot;
use crate::app::history::{FIRST_LAYER_SPECTRAL, TEACHER_ALIGNMENT};
use crate::config::types::{DataKind, Preset};

/// Maximum number of layers in one per-layer view. It is the number of
/// series colours, so that no two lines of a view share a colour.
pub const LAYERS_PER_VIEW: usize = 4;

/// One metric drawn as a line: a column of the histories and its legend.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricLine {
    /// History name, as [`crate::app::history::MetricHistories::metric`] takes it.
    pub metric: String,
    pub role: Role,
    pub name: String,
    pub short_name: String,
}

/// A horizontal line at a fixed value, such as a chance level.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceLine {
    pub value: f64,
    pub name: String,
}

/// The content of one chart: a title and the lines under it.
///
/// In compare mode `lines` has exactly one entry, which is drawn once per
/// run in the run's colour.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartView {
    pub title: String,
    /// Title used when the full one does not fit.
    pub short_title: String,
    pub lines: Vec<MetricLine>,
    /// Plot `log10` of the values; values <= 0 are left out.
    pub log_y: bool,
    pub references: Vec<ReferenceLine>,
}

impl From<&ChartSpec> for ChartView {
    fn from(spec: &ChartSpec) -> ChartView {
        let lines = spec
            .series
            .iter()
            .map(|series| MetricLine {
                metric: series.metric.to_string(),
                role: series.role,
                name: series.name.to_string(),
                short_name: series.short_name.to_string(),
            })
            .collect();
        ChartView {
            title: spec.title.to_string(),
            short_title: spec.title.to_string(),
            lines,
            log_y: spec.log_y,
            references: Vec::new(),
        }
    }
}

/// Returns the views of the chart at `slot` for runs with these settings:
/// the single-run views for one preset, the compare views for several. The
/// list is never empty.
pub fn chart_views(presets: &[&Preset], slot: ChartSlot) -> Vec<ChartView> {
    match presets {
        [] => single_views(None, slot),
        [preset] => single_views(Some(preset), slot),
        _ => compare_views(presets, slot),
    }
}

fn single_views(preset: Option<&Preset>, slot: ChartSlot) -> Vec<ChartView> {
    let depth = preset.map_or(1, |p| p.model.depth);
    match slot {
        ChartSlot::Loss => vec![ChartView::from(&LOSS_CHART)],
        ChartSlot::Change => {
            let mut first = ChartView::from(&CHANGE_CHART);
            if depth > 1 {
                first.lines[0].name = "weights W1".to_string();
                first.lines[0].short_name = "W1".to_string();
            }
            let mut views = vec![first];
            views.extend(layer_views(depth, false));
            views.extend(layer_views(depth, true));
            views
        }
        ChartSlot::Kernel => {
            let mut views: Vec<ChartView> = preset.and_then(teacher_view).into_iter().collect();
            views.push(ChartView::from(&KERNEL_CHART));
            views
        }
    }
}

/// History name of the weight change of layer `layer` (1-based).
pub(super) fn layer_metric(layer: usize, spectral: bool) -> String {
    match (layer, spectral) {
        (1, false) => "weight_change_w".to_string(),
        (1, true) => FIRST_LAYER_SPECTRAL.to_string(),
        (_, false) => format!("weight_change_w{layer}"),
        (_, true) => format!("weight_change_w{layer}_spectral"),
    }
}

/// Views of the weight change of every hidden layer, [`LAYERS_PER_VIEW`]
/// layers each, on a log axis. A lazy network's first layer moves like
/// `N^-1/2` and its hidden layers like `N^-1` (Frobenius ratio), so at
/// width 512 they differ by more than a factor 10. Empty at depth 1.
fn layer_views(depth: usize, spectral: bool) -> Vec<ChartView> {
    if depth < 2 {
        return Vec::new();
    }
    let norm = if spectral { "spectral" } else { "Frobenius" };
    let (norm_short, title_short) = if spectral {
        ("spectral", "spectral")
    } else {
        ("F", "Frobenius")
    };
    let groups: Vec<(usize, usize)> = (1..=depth)
        .step_by(LAYERS_PER_VIEW)
        .map(|first| (first, (first + LAYERS_PER_VIEW - 1).min(depth)))
        .collect();
    groups
        .iter()
        .map(|&(first, last)| {
            let (title, short_title) = if groups.len() == 1 {
                (
                    format!("weight change by layer ({norm})"),
                    format!("layers ({title_short})"),
                )
            } else {
                (
                    format!("weight change, layers {first}-{last} ({norm})"),
                    format!("layers {first}-{last} ({norm_short})"),
                )
            };
            let lines = (first..=last)
                .map(|layer| MetricLine {
                    metric: layer_metric(layer, spectral),
                    role: Role::Layer(layer),
                    name: format!("W{layer}"),
                    short_name: format!("W{layer}"),
                })
                .collect();
            ChartView {
                title,
                short_title,
                lines,
                log_y: true,
                references: Vec::new(),
            }
        })
        .collect()
}

/// Chance value `k / D` of the teacher alignment of `preset`, with its
/// legend name, or `None` unless the data come from a teacher.
pub(super) fn teacher_chance(preset: &Preset) -> Option<ReferenceLine> {
    if preset.data.kind != DataKind::Teacher {
        return None;
    }
    let teacher = &preset.data.teacher;
    let value = teacher.neurons as f64 / teacher.input_dim as f64;
    Some(ReferenceLine {
        value,
        name: format!("chance {}/{}", teacher.neurons, teacher.input_dim),
    })
}

/// Builds the teacher-alignment view with its chance line, for teacher
/// data only.
fn teacher_view(preset: &Preset) -> Option<ChartView> {
    let chance = teacher_chance(preset)?;
    Some(ChartView {
        title: "teacher alignment".to_string(),
        short_title: "teacher".to_string(),
        lines: vec![MetricLine {
            metric: TEACHER_ALIGNMENT.to_string(),
            role: Role::TeacherAlignment,
            name: "teacher alignment".to_string(),
            short_name: "teacher".to_string(),
        }],
        log_y: false,
        references: vec![chance],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{deep_preset, sample_preset, teacher_preset};

    fn titles(views: &[ChartView]) -> Vec<&str> {
        views.iter().map(|view| view.title.as_str()).collect()
    }

    fn metrics(view: &ChartView) -> Vec<&str> {
        view.lines.iter().map(|line| line.metric.as_str()).collect()
    }

    #[test]
    fn single_shallow_run_has_one_view_each() {
        let preset = sample_preset();
        for slot in ChartSlot::ALL {
            let views = chart_views(&[&preset], slot);
            assert_eq!(views.len(), 1, "{slot:?}");
            assert!(views[0].references.is_empty(), "{slot:?}");
        }
        let change = chart_views(&[&preset], ChartSlot::Change);
        assert_eq!(
            metrics(&change[0]),
            ["weight_change_w", "weight_change_a", "feature_change"]
        );
        assert_eq!(change[0].lines[0].name, "weights W");
    }

    #[test]
    fn single_deep_run_lists_every_layer() {
        let preset = deep_preset(3);
        let views = chart_views(&[&preset], ChartSlot::Change);
        assert_eq!(
            titles(&views),
            [
                "change",
                "weight change by layer (Frobenius)",
                "weight change by layer (spectral)"
            ]
        );
        assert_eq!(views[0].lines[0].name, "weights W1");
        assert_eq!(
            metrics(&views[1]),
            ["weight_change_w", "weight_change_w2", "weight_change_w3"]
        );
        assert_eq!(
            metrics(&views[2]),
            [
                "weight_change_w_spectral",
                "weight_change_w2_spectral",
                "weight_change_w3_spectral"
            ]
        );
        let roles: Vec<Role> = views[1].lines.iter().map(|line| line.role).collect();
        assert_eq!(roles, [Role::Layer(1), Role::Layer(2), Role::Layer(3)]);
        assert!(views[1].log_y);
        assert!(views[2].log_y);
    }

    #[test]
    fn single_deep_run_pages_layers() {
        let preset = deep_preset(6);
        let views = chart_views(&[&preset], ChartSlot::Change);
        assert_eq!(
            titles(&views),
            [
                "change",
                "weight change, layers 1-4 (Frobenius)",
                "weight change, layers 5-6 (Frobenius)",
                "weight change, layers 1-4 (spectral)",
                "weight change, layers 5-6 (spectral)"
            ]
        );
        assert_eq!(metrics(&views[2]), ["weight_change_w5", "weight_change_w6"]);
        assert!(views.iter().all(|view| view.lines.len() <= LAYERS_PER_VIEW));
    }

    #[test]
    fn teacher_run_shows_alignment_first() {
        let preset = teacher_preset(2, 20);
        let views = chart_views(&[&preset], ChartSlot::Kernel);
        assert_eq!(titles(&views), ["teacher alignment", "kernel"]);
        assert_eq!(metrics(&views[0]), ["teacher_alignment"]);
        let chance = &views[0].references;
        assert_eq!(chance.len(), 1);
        assert_eq!(chance[0].value, 0.1);
        assert_eq!(chance[0].name, "chance 2/20");
    }

    #[test]
    fn compare_views_cover_every_metric() {
        let lazy = sample_preset();
        let runs = [&lazy, &lazy];
        let loss = chart_views(&runs, ChartSlot::Loss);
        assert_eq!(titles(&loss), ["train loss", "test loss"]);
        let change = chart_views(&runs, ChartSlot::Change);
        assert_eq!(
            titles(&change),
            [
                "feature change",
                "weight change W",
                "weight change a (readout)"
            ]
        );
        let kernel = chart_views(&runs, ChartSlot::Kernel);
        assert_eq!(
            titles(&kernel),
            [
                "kernel distance",
                "kernel change",
                "kernel-target alignment"
            ]
        );
        for view in loss.iter().chain(&change).chain(&kernel) {
            assert_eq!(view.lines.len(), 1, "{}", view.title);
        }
    }

    #[test]
    fn compare_views_follow_deepest_run() {
        let deep = deep_preset(3);
        let shallow = sample_preset();
        let views = chart_views(&[&shallow, &deep], ChartSlot::Change);
        assert_eq!(
            titles(&views),
            [
                "feature change",
                "weight change W1",
                "weight change W2",
                "weight change W3",
                "weight change a (readout)",
                "spectral change W1",
                "spectral change W2",
                "spectral change W3"
            ]
        );
        assert_eq!(metrics(&views[3]), ["weight_change_w3"]);
        assert_eq!(metrics(&views[7]), ["weight_change_w3_spectral"]);
    }

    #[test]
    fn compare_teacher_lists_each_chance_once() {
        let a = teacher_preset(1, 16);
        let b = teacher_preset(1, 8);
        let plain = sample_preset();
        let views = chart_views(&[&a, &a, &plain], ChartSlot::Kernel);
        assert_eq!(views[0].title, "teacher alignment");
        assert_eq!(views[0].references.len(), 1);
        let views = chart_views(&[&a, &b], ChartSlot::Kernel);
        let names: Vec<&str> = views[0]
            .references
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["chance 1/16", "chance 1/8"]);
        assert_eq!(views.len(), 4);
    }
}
