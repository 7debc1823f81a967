//! Function view of compare mode: each run's network curve in its colour
//! over the theory overlays, which the runs share.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::function_view::{Layer, overlay_layers, render_layers};
use super::theme::{Role, Theme};
use crate::app::run_slot::RunSlot;

/// Draws every run's network over the overlays of run 0 into `area`.
///
/// The NTK and GP curves depend on the data, the kernel and `eta0` but not
/// on the width scaling, because the `gamma^2` of the kernels cancels
/// against the learning rate or the temperature. So one set of overlays
/// serves runs that differ only in the scaling. NOTE: runs that differ in
/// width, activation or learning rate have overlays of their own, and only
/// run 0's are drawn. The linearised network is per run and left out.
pub fn render_compare_view(
    frame: &mut Frame,
    area: Rect,
    runs: &[RunSlot],
    overlays: bool,
    theme: &Theme,
) {
    let Some(first) = runs.first().and_then(RunSlot::info) else {
        return;
    };
    let mut layers: Vec<Layer> = Vec::new();
    if overlays && let Some(view) = runs[0].view() {
        layers = overlay_layers(first, view, theme.glyphs().plus_minus, false);
    }
    for (index, run) in runs.iter().enumerate() {
        let (Some(info), Some(view)) = (run.info(), run.view()) else {
            continue;
        };
        let label = run.label();
        let role = Role::Run(index);
        layers.push(Layer::line(info, role, label, label, &view.network));
    }
    layers.push(Layer::training_points(first));
    render_layers(frame, area, "function", &layers, theme);
}
