//! Function view for 1-D data: training points, the network, the NTK
//! prediction, the linearised network, the GP posterior mean with a ±2 sd
//! band, and for Langevin the current sample. The theory overlays can be
//! hidden to declutter the view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Chart, Dataset, GraphType};

use super::axis;
use super::charts::{non_finite_note, styled_axis};
use super::theme::{Role, Theme};
use crate::config::types::Optimizer;
use crate::train::snapshot::{FunctionView, RunInfo};

/// One curve or point set of the view, in drawing order.
pub(crate) struct Layer {
    pub role: Role,
    /// Legend name; empty for the lower band line, which shares its entry.
    pub name: String,
    pub short_name: String,
    pub graph_type: GraphType,
    pub points: Vec<(f64, f64)>,
    /// Pairs left out because `x` or `y` is NaN or infinite.
    pub non_finite: usize,
}

impl Layer {
    /// Builds a line through `y` over the test inputs of `info`.
    pub(crate) fn line(
        info: &RunInfo,
        role: Role,
        name: &str,
        short_name: &str,
        y: &[f64],
    ) -> Layer {
        let (points, non_finite) = sorted_pairs(&info.x_test, y);
        Layer {
            role,
            name: name.to_string(),
            short_name: short_name.to_string(),
            graph_type: GraphType::Line,
            points,
            non_finite,
        }
    }

    /// Builds the training points of `info`.
    pub(crate) fn training_points(info: &RunInfo) -> Layer {
        let (points, non_finite) = sorted_pairs(&info.x_train, &info.y_train);
        Layer {
            role: Role::TrainingPoints,
            name: "data".to_string(),
            short_name: "data".to_string(),
            graph_type: GraphType::Scatter,
            points,
            non_finite,
        }
    }
}

/// Pairs `x[i]` with `y[i]`, sorted by `x` so that lines do not zigzag, and
/// the number of pairs dropped because a coordinate is not finite. Extra
/// entries of the longer slice are dropped without being counted.
fn sorted_pairs(x: &[f64], y: &[f64]) -> (Vec<(f64, f64)>, usize) {
    let mut pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .map(|(x, y)| (*x, *y))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let non_finite = x.len().min(y.len()) - pairs.len();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    (pairs, non_finite)
}

/// Theory overlays of `view`: the GP band and mean, the NTK prediction and,
/// when `linearized` is set, the linearised network. Empty curves are left out.
pub(crate) fn overlay_layers(
    info: &RunInfo,
    view: &FunctionView,
    plus_minus: &str,
    linearized: bool,
) -> Vec<Layer> {
    let mut layers = Vec::new();
    if !view.gp_mean.is_empty() && view.gp_sd.len() == view.gp_mean.len() {
        let band = |sign: f64| -> Vec<f64> {
            view.gp_mean
                .iter()
                .zip(&view.gp_sd)
                .map(|(m, s)| m + sign * 2.0 * s)
                .collect()
        };
        let name = format!("GP {plus_minus}2sd");
        let short_name = format!("{plus_minus}2sd");
        layers.push(Layer::line(
            info,
            Role::GpBand,
            &name,
            &short_name,
            &band(1.0),
        ));
        layers.push(Layer::line(info, Role::GpBand, "", "", &band(-1.0)));
    }
    if !view.gp_mean.is_empty() {
        layers.push(Layer::line(
            info,
            Role::GpMean,
            "GP mean",
            "GP",
            &view.gp_mean,
        ));
    }
    if !view.ntk.is_empty() {
        layers.push(Layer::line(info, Role::Ntk, "NTK", "NTK", &view.ntk));
    }
    if linearized && !view.linearized.is_empty() {
        let layer = Layer::line(
            info,
            Role::Linearized,
            "linearized",
            "lin",
            &view.linearized,
        );
        layers.push(layer);
    }
    layers
}

/// Legend name of the network curve: the posterior mean for Langevin.
pub(crate) fn network_name(info: &RunInfo) -> &'static str {
    match info.preset.train.optimizer {
        Optimizer::Gd => "network",
        Optimizer::Langevin => "posterior mean",
    }
}

/// Layers of the view, the GP band first and the training points last so
/// that the points stay on top. The linearised network is a GD prediction,
/// so Langevin runs, whose reference is the GP posterior, leave it out.
fn layers(
    info: &RunInfo,
    view: Option<&FunctionView>,
    overlays: bool,
    plus_minus: &str,
) -> Vec<Layer> {
    let mut layers = Vec::new();
    if let Some(view) = view {
        if overlays {
            let linearized = info.preset.train.optimizer == Optimizer::Gd;
            layers = overlay_layers(info, view, plus_minus, linearized);
        }
        if !view.sample.is_empty() {
            layers.push(Layer::line(
                info,
                Role::Sample,
                "sample",
                "sample",
                &view.sample,
            ));
        }
        let name = network_name(info);
        layers.push(Layer::line(info, Role::Network, name, "NN", &view.network));
    }
    layers.push(Layer::training_points(info));
    layers
}

/// Legend line for the bottom border: one swatch and name per named layer.
/// Short names replace the full ones when the full legend exceeds `width`.
/// When even those do not fit, only the networks keep their entries (the
/// compare runs, which the reader cannot tell apart otherwise), and the
/// border may cut the rest.
pub(crate) fn legend(layers: &[Layer], theme: &Theme, width: u16) -> Line<'static> {
    let build = |short: bool, networks_only: bool| {
        let mut spans = vec![Span::raw(" ")];
        let named = layers.iter().filter(|l| !l.name.is_empty());
        let is_network = |l: &&Layer| matches!(l.role, Role::Network | Role::Run(_));
        for layer in named.filter(|l| !networks_only || is_network(l)) {
            let name = if short {
                layer.short_name.clone()
            } else {
                layer.name.clone()
            };
            spans.push(theme.swatch(layer.role));
            spans.push(Span::raw(format!(" {name} ")));
        }
        Line::from(spans)
    };
    let fits = |line: &Line| line.width() <= usize::from(width);
    [build(false, false), build(true, false), build(false, true)]
        .into_iter()
        .find(fits)
        .unwrap_or_else(|| build(true, true))
}

/// Title, with the number of non-finite points left out of the view.
fn title_line(title: &str, layers: &[Layer], theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!(" {title} "), theme.bold())];
    let non_finite: usize = layers.iter().map(|l| l.non_finite).sum();
    if non_finite > 0 {
        spans.push(Span::styled(
            format!("{} ", non_finite_note(non_finite as u64)),
            theme.style(Role::Warning),
        ));
    }
    Line::from(spans)
}

/// Draws `layers` as a chart titled `title`, with the legend on the bottom
/// border and axes fitted to every finite point.
pub(crate) fn render_layers(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    layers: &[Layer],
    theme: &Theme,
) {
    let all_points = || layers.iter().flat_map(|l| l.points.iter());
    let x_range = axis::finite_range(all_points().map(|p| p.0));
    let y_range = axis::finite_range(all_points().map(|p| p.1));
    let label_count = if area.height >= 14 { 5 } else { 3 };
    let x_scale = axis::linear_axis(x_range, 0.0, 3);
    let y_scale = axis::linear_axis(y_range, 0.05, label_count);

    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .title(title_line(title, layers, theme))
        .title_bottom(legend(layers, theme, area.width.saturating_sub(2)));
    let datasets = layers
        .iter()
        .map(|layer| {
            Dataset::default()
                .marker(theme.marker(layer.role))
                .graph_type(layer.graph_type)
                .style(theme.style(layer.role))
                .data(&layer.points)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(styled_axis(x_scale, theme))
        .y_axis(styled_axis(y_scale, theme));
    frame.render_widget(chart, area);
}

/// Draws the function view of a 1-D run into `area`. Without `overlays`
/// only the network, the Langevin sample and the training points are drawn.
pub fn render_function_view(
    frame: &mut Frame,
    area: Rect,
    info: &RunInfo,
    view: Option<&FunctionView>,
    overlays: bool,
    theme: &Theme,
) {
    let layers = layers(info, view, overlays, theme.glyphs().plus_minus);
    render_layers(frame, area, "function", &layers, theme);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::{
        braille_cells, buffer_lines, render_with, sample_info, sample_view,
    };

    const ASCII: Theme = Theme {
        depth: crate::ui::ColorDepth::TrueColor,
        ascii: true,
    };
    const COLOR: Theme = Theme {
        depth: crate::ui::ColorDepth::TrueColor,
        ascii: false,
    };

    fn render_view(info: &RunInfo, view: Option<&FunctionView>, theme: &Theme) -> String {
        let buffer = render_with(70, 24, |frame| {
            render_function_view(frame, frame.area(), info, view, true, theme);
        });
        buffer_lines(&buffer).join("\n")
    }

    fn count(text: &str, marker: char) -> usize {
        text.chars().filter(|c| *c == marker).count()
    }

    #[test]
    fn function_view_draws_every_curve() {
        let info = sample_info();
        let view = sample_view(&info);
        // Each role has its own character in ASCII mode, so each curve is
        // counted on its own: network '*', NTK '+', linearized '~', GP mean
        // '=', band '.'.
        let text = render_view(&info, Some(&view), &ASCII);
        assert!(count(&text, 'o') >= 6, "training points missing:\n{text}");
        assert!(count(&text, '*') >= 20, "network curve missing:\n{text}");
        assert!(count(&text, '+') >= 20, "NTK curve missing:\n{text}");
        assert!(count(&text, '=') >= 20, "GP mean missing:\n{text}");
        assert!(count(&text, '.') >= 40, "GP band missing:\n{text}");
        assert!(count(&text, '~') >= 20, "linearized curve missing:\n{text}");
        for name in [
            "network",
            "NTK",
            "linearized",
            "GP mean",
            "GP +/-2sd",
            "data",
        ] {
            assert!(text.contains(name), "legend lacks {name}:\n{text}");
        }
    }

    #[test]
    fn function_view_braille_curves() {
        let info = sample_info();
        let view = sample_view(&info);
        let buffer = render_with(70, 24, |frame| {
            render_function_view(frame, frame.area(), &info, Some(&view), true, &COLOR);
        });
        assert!(braille_cells(&buffer) > 50);
        let text = buffer_lines(&buffer).join("\n");
        assert!(text.contains('•'), "training points missing:\n{text}");
        assert!(text.contains("GP ±2sd"), "{text}");
    }

    #[test]
    fn function_view_points_only_before_first_view() {
        let info = sample_info();
        let text = render_view(&info, None, &ASCII);
        assert!(count(&text, 'o') >= 6, "{text}");
        assert!(!text.contains("network"), "{text}");
    }

    #[test]
    fn function_view_langevin_sample_and_mean() {
        let mut info = sample_info();
        info.preset.train.optimizer = Optimizer::Langevin;
        let mut view = sample_view(&info);
        view.sample = info.x_test.iter().map(|x| x.cos()).collect();
        let text = render_view(&info, Some(&view), &ASCII);
        assert!(text.contains("posterior mean"), "{text}");
        assert!(text.contains("sample"), "{text}");
        assert!(count(&text, ':') >= 20, "sample curve missing:\n{text}");
    }

    #[test]
    fn function_view_survives_bad_values() {
        let mut info = sample_info();
        info.y_train[0] = f64::NAN;
        info.x_train[1] = f64::INFINITY;
        let mut view = sample_view(&info);
        view.network[3] = f64::NAN;
        view.ntk.truncate(5);
        view.gp_sd.pop();
        view.gp_mean[0] = f64::NEG_INFINITY;
        let text = render_view(&info, Some(&view), &COLOR);
        // Two bad training points, the NaN network value and the -inf GP
        // mean. The band is not drawn, because gp_sd lost its last entry.
        assert!(text.contains("4 NaN/inf skipped"), "{text}");

        let empty = RunInfo {
            x_train: Vec::new(),
            y_train: Vec::new(),
            x_test: Vec::new(),
            ..sample_info()
        };
        render_view(&empty, Some(&FunctionView::default()), &COLOR);
        for (width, height) in [(1, 1), (4, 3), (12, 4)] {
            render_with(width, height, |frame| {
                render_function_view(frame, frame.area(), &info, Some(&view), true, &COLOR);
            });
        }
    }

    #[test]
    fn function_view_extreme_values() {
        let mut info = sample_info();
        info.y_train[0] = f64::MAX;
        info.y_train[1] = -f64::MAX;
        info.x_train[2] = 5e-324;
        let mut view = sample_view(&info);
        view.network[0] = f64::MAX;
        view.gp_sd[1] = f64::MAX;
        let text = render_view(&info, Some(&view), &COLOR);
        // The band at x[1] is gp_mean ± 2 f64::MAX, which overflows to ±inf.
        assert!(text.contains(" function 2 NaN/inf skipped "), "{text}");
        let labels = text.replace("NaN/inf skipped", "");
        assert!(!labels.contains("inf"), "{text}");
        assert!(!labels.contains("NaN"), "{text}");
    }

    #[test]
    fn function_view_single_training_point() {
        let info = RunInfo {
            x_train: vec![0.5],
            y_train: vec![0.5],
            x_test: vec![0.5],
            ..sample_info()
        };
        let view = FunctionView {
            network: vec![0.5],
            ..FunctionView::default()
        };
        let text = render_view(&info, Some(&view), &ASCII);
        assert!(text.contains('o'), "{text}");
    }

    #[test]
    fn function_view_legend_shortens() {
        let info = sample_info();
        let view = sample_view(&info);
        let buffer = render_with(40, 20, |frame| {
            render_function_view(frame, frame.area(), &info, Some(&view), true, &COLOR);
        });
        let lines = buffer_lines(&buffer);
        let bottom = &lines[19];
        assert!(bottom.contains("NN"), "{bottom}");
        assert!(bottom.contains("data"), "{bottom}");
    }
}
