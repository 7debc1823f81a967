//! Hand-built presets and snapshots for the TUI unit tests.

use std::sync::Arc;

use crate::config::types::{
    Activation, DataConfig, DataKind, Encoding, ModelConfig, Optimizer, Preset, Scaling,
    SweepConfig, TrainConfig,
};
use crate::train::snapshot::{FunctionView, MetricRow, Numerics, RunInfo, RunState, Snapshot};

/// Builds a 1-D regression preset in the mean-field scaling.
pub fn sample_preset() -> Preset {
    Preset {
        name: "rich-1d".to_string(),
        description: "sine, mean-field".to_string(),
        data: DataConfig {
            kind: DataKind::Sine1d,
            train: 8,
            test: 64,
            noise: 0.0,
            seed: 1,
            x_min: -3.0,
            x_max: 3.0,
            classes: Vec::new(),
            encoding: Encoding::PlusMinus,
            ..DataConfig::default()
        },
        model: ModelConfig {
            width: 4096,
            depth: 1,
            activation: Activation::Relu,
            sigma_w: 1.0,
            sigma_b: 1.0,
            sigma_a: 1.0,
            scaling: Scaling::MeanField,
            gamma0: 1.0,
            center: true,
        },
        train: TrainConfig {
            optimizer: Optimizer::Gd,
            learning_rate: 0.5,
            temperature: 0.01,
            burn_in: 100,
            steps: 10_000,
            log_every: 10,
            seed: 2,
        },
        sweep: SweepConfig::default(),
    }
}

/// Builds `sample_preset` under another name, for catalog tests.
pub fn named_preset(name: &str) -> Preset {
    Preset {
        name: name.to_string(),
        ..sample_preset()
    }
}

/// Builds the run information of `sample_preset` with sine data.
pub fn sample_info() -> RunInfo {
    let preset = sample_preset();
    let x_train: Vec<f64> = (0..8).map(|i| -3.0 + 6.0 * i as f64 / 7.0).collect();
    let x_test: Vec<f64> = (0..64).map(|i| -3.0 + 6.0 * i as f64 / 63.0).collect();
    RunInfo {
        gamma: preset.model.gamma(),
        y_train: x_train.iter().map(|x| x.sin()).collect(),
        y_test: x_test.iter().map(|x| x.sin()).collect(),
        x_train,
        x_test,
        preset,
        input_dim: 1,
        is_classification: false,
        nngp_accuracy: None,
        ntk_accuracy: None,
        numerics: Numerics {
            ntk_condition: 1.5e4,
            ntk_min_eigenvalue: 2.5e-4,
            ntk_max_eigenvalue: 3.2,
            jitter: 0.0,
            max_stable_learning_rate: 5.0,
        },
    }
}

/// Builds the run information of a 10-class classification run.
pub fn classification_info() -> RunInfo {
    RunInfo {
        input_dim: 64,
        is_classification: true,
        nngp_accuracy: Some(0.912),
        ntk_accuracy: Some(0.934),
        ..sample_info()
    }
}

/// Builds curves on the test grid of `info`, with the network at `0.9 sin x`.
pub fn sample_view(info: &RunInfo) -> FunctionView {
    let x = &info.x_test;
    FunctionView {
        network: x.iter().map(|x| 0.9 * x.sin()).collect(),
        sample: Vec::new(),
        ntk: x.iter().map(|x| 0.8 * x.sin()).collect(),
        linearized: x.iter().map(|x| -0.5 * x.sin()).collect(),
        gp_mean: x.iter().map(|x| 0.95 * x.sin()).collect(),
        gp_sd: x.iter().map(|_| 0.1).collect(),
        plane: None,
    }
}

/// Builds a metric row at `step` with decaying losses and growing changes.
pub fn sample_row(step: u64) -> MetricRow {
    let t = step as f64;
    let decay = (-t / 500.0).exp();
    MetricRow {
        step,
        values: [
            0.5 * decay + 1e-4,
            0.6 * decay + 2e-4,
            0.3 * (1.0 - decay),
            0.2 * (1.0 - decay),
            0.25 * (1.0 - decay),
            0.1 * (1.0 - decay),
            0.4 * (1.0 - decay),
            0.3 + 0.5 * (1.0 - decay),
            0.01,
            0.02,
            0.03,
        ],
        test_accuracy: Some(0.5 + 0.4 * (1.0 - decay)),
        kernel_alignment_uncentred: 0.9,
        weight_change_w_spectral: 0.1,
        teacher_alignment: None,
        hidden_weight_change: Vec::new(),
    }
}

/// Builds a running snapshot of `generation` with one row per step in `steps`.
pub fn sample_snapshot(
    generation: u64,
    info: Option<RunInfo>,
    steps: impl Iterator<Item = u64>,
) -> Snapshot {
    let rows: Vec<MetricRow> = steps.map(sample_row).collect();
    let view = info.as_ref().map(sample_view);
    Snapshot {
        generation,
        step: rows.last().map_or(0, |r| r.step),
        steps_per_second: 1234.0,
        state: RunState::Running,
        info: info.map(Arc::new),
        rows,
        view,
    }
}

/// Renders the whole screen for `app` into a `width` x `height` buffer.
pub fn render_buffer(
    app: &crate::app::App,
    theme: &crate::ui::Theme,
    width: u16,
    height: u16,
) -> ratatui::buffer::Buffer {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test backend never fails");
    terminal
        .draw(|frame| crate::ui::render(frame, app, theme))
        .expect("test backend never fails");
    terminal.backend().buffer().clone()
}

/// Rows of `buffer` as strings, one per screen line.
pub fn buffer_lines(buffer: &ratatui::buffer::Buffer) -> Vec<String> {
    let width = usize::from(buffer.area.width).max(1);
    buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|cell| cell.symbol()).collect())
        .collect()
}

/// Builds an app for `sample_preset` that received `info` and `steps` rows,
/// logged every 10 steps from step 0.
pub fn app_with_history(info: RunInfo, steps: u64) -> crate::app::App {
    let mut app = crate::app::App::new(sample_preset(), vec![sample_preset()]);
    let snapshot = sample_snapshot(0, Some(info), (0..steps).map(|i| i * 10));
    app.update(crate::app::Action::Snapshot(0, Box::new(snapshot)));
    app
}

/// Renders whatever `draw` draws into a `width` x `height` buffer.
pub fn render_with(
    width: u16,
    height: u16,
    draw: impl FnOnce(&mut ratatui::Frame),
) -> ratatui::buffer::Buffer {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test backend never fails");
    terminal.draw(draw).expect("test backend never fails");
    terminal.backend().buffer().clone()
}

/// Number of cells whose symbol is a braille pattern (U+2801 to U+28FF).
pub fn braille_cells(buffer: &ratatui::buffer::Buffer) -> usize {
    buffer
        .content
        .iter()
        .filter(|cell| {
            cell.symbol()
                .chars()
                .any(|c| ('\u{2801}'..='\u{28FF}').contains(&c))
        })
        .count()
}

/// Builds an app in compare mode (mean-field against standard) whose two
/// runs each received `steps` rows; run 1's network is `0.5 sin x`.
pub fn compare_app(steps: u64) -> crate::app::App {
    let mut app = crate::app::App::new(sample_preset(), vec![sample_preset()]);
    app.update(crate::app::Action::ToggleCompare);
    for run in 0..2 {
        let mut snapshot = sample_snapshot(1, Some(sample_info()), (0..steps).map(|i| i * 10));
        if run == 1 {
            for row in &mut snapshot.rows {
                row.values[4] *= 0.1;
                row.values[5] *= 0.1;
            }
            if let Some(view) = snapshot.view.as_mut() {
                view.network = sample_info().x_test.iter().map(|x| 0.5 * x.sin()).collect();
            }
        }
        app.update(crate::app::Action::Snapshot(run, Box::new(snapshot)));
    }
    app
}

/// Builds an app on `sample_preset` with a catalog of three presets:
/// `lazy-1d`, `rich-1d` (the sample) and `bayes-1d`.
pub fn catalog_app() -> crate::app::App {
    let catalog = vec![
        named_preset("lazy-1d"),
        sample_preset(),
        named_preset("bayes-1d"),
    ];
    crate::app::App::new(sample_preset(), catalog)
}

/// Returns the one preset of a restart of a single run, and panics on any
/// other effect.
pub fn restarted_preset(effect: Option<crate::app::Effect>) -> Preset {
    match effect {
        Some(crate::app::Effect::Restart(presets)) if presets.len() == 1 => {
            presets.into_iter().next().expect("one preset")
        }
        other => panic!("expected a restart of one run, got {other:?}"),
    }
}

/// Returns the presets of a restart, and panics on any other effect.
pub fn run_presets(effect: Option<crate::app::Effect>) -> Vec<Preset> {
    match effect {
        Some(crate::app::Effect::Restart(presets)) => presets,
        other => panic!("expected a restart, got {other:?}"),
    }
}

/// Builds `sample_preset` with `depth` hidden layers.
pub fn deep_preset(depth: usize) -> Preset {
    let mut preset = named_preset("rich-deep");
    preset.model.depth = depth;
    preset
}

/// Builds `sample_preset` on teacher data: `neurons` teacher directions in
/// `input_dim` dimensions.
pub fn teacher_preset(neurons: usize, input_dim: usize) -> Preset {
    let mut preset = named_preset("teacher");
    preset.data.kind = DataKind::Teacher;
    preset.data.teacher.neurons = neurons;
    preset.data.teacher.input_dim = input_dim;
    preset
}

/// Builds `sample_row(step)` with the per-layer change of a network of
/// `depth` hidden layers. Layer `l` approaches `l / 100` in the Frobenius
/// ratio and `l / 10` in the spectral one. With `teacher`, the teacher
/// alignment rises from 1/16 towards 0.5.
pub fn rich_row(step: u64, depth: usize, teacher: bool) -> MetricRow {
    let growth = 1.0 - (-(step as f64) / 500.0).exp();
    let hidden_weight_change = (2..=depth)
        .map(|l| crate::train::snapshot::LayerChange {
            frobenius: l as f64 / 100.0 * growth,
            spectral: l as f64 / 10.0 * growth,
        })
        .collect();
    MetricRow {
        weight_change_w_spectral: 0.1 * growth,
        teacher_alignment: teacher.then_some(1.0 / 16.0 + (0.5 - 1.0 / 16.0) * growth),
        hidden_weight_change,
        ..sample_row(step)
    }
}

/// Sends run `run` of `app` one snapshot of generation `generation` with
/// `rows` and the run information of `sample_info`.
pub fn feed_rows(app: &mut crate::app::App, run: usize, generation: u64, rows: Vec<MetricRow>) {
    let mut snapshot = sample_snapshot(generation, Some(sample_info()), 0..0);
    snapshot.step = rows.last().map_or(0, |row| row.step);
    snapshot.rows = rows;
    app.update(crate::app::Action::Snapshot(run, Box::new(snapshot)));
}
