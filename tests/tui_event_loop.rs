//! The TUI event loop driven by scripted key events, a hand-fed snapshot
//! channel and a test backend.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use futures::{Stream, StreamExt, stream};
use lazyrich::app::App;
use lazyrich::app::event_loop::{ExitReason, run_event_loop};
use lazyrich::app::trainers::TrainerPool;
use lazyrich::config::types::{
    Activation, DataConfig, DataKind, Encoding, ModelConfig, Optimizer, Preset, Scaling,
    SweepConfig, TrainConfig,
};
use lazyrich::train::runner::TrainerHandle;
use lazyrich::train::snapshot::{Command, FunctionView, Numerics, RunInfo, RunState, Snapshot};
use lazyrich::ui::{ColorDepth, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const THEME: Theme = Theme {
    depth: ColorDepth::Ansi16,
    ascii: false,
};

fn preset() -> Preset {
    Preset {
        name: "lazy-1d".to_string(),
        description: "standard scaling".to_string(),
        data: DataConfig {
            kind: DataKind::Sine1d,
            train: 4,
            test: 16,
            noise: 0.0,
            seed: 0,
            x_min: -3.0,
            x_max: 3.0,
            classes: Vec::new(),
            encoding: Encoding::PlusMinus,
            ..DataConfig::default()
        },
        model: ModelConfig {
            width: 256,
            depth: 1,
            activation: Activation::Erf,
            sigma_w: 1.0,
            sigma_b: 1.0,
            sigma_a: 1.0,
            scaling: Scaling::Standard,
            gamma0: 1.0,
            center: true,
        },
        train: TrainConfig {
            optimizer: Optimizer::Gd,
            learning_rate: 0.25,
            temperature: 0.01,
            burn_in: 0,
            steps: 0,
            log_every: 10,
            seed: 0,
        },
        sweep: SweepConfig::default(),
    }
}

fn run_info() -> RunInfo {
    let x: Vec<f64> = (0..16).map(|i| -3.0 + 0.4 * i as f64).collect();
    RunInfo {
        preset: preset(),
        gamma: 1.0,
        x_train: vec![-2.0, -1.0, 1.0, 2.0],
        y_train: vec![-0.9, -0.8, 0.8, 0.9],
        y_test: x.iter().map(|x| x.sin()).collect(),
        x_test: x,
        input_dim: 1,
        is_classification: false,
        nngp_accuracy: None,
        ntk_accuracy: None,
        numerics: Numerics {
            ntk_condition: 42.0,
            ntk_min_eigenvalue: 0.01,
            ntk_max_eigenvalue: 2.0,
            jitter: 0.0,
            max_stable_learning_rate: 4.0,
        },
    }
}

fn snapshot(step: u64, info: Option<RunInfo>) -> Snapshot {
    Snapshot {
        generation: 0,
        step,
        steps_per_second: 500.0,
        state: RunState::Running,
        info: info.map(Arc::new),
        rows: Vec::new(),
        view: Some(FunctionView::default()),
    }
}

fn key(c: char) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

/// `events` after a pause, then `q` after another pause, so that the
/// screen shows the frame drawn after `events`.
fn then_quit(events: Vec<io::Result<Event>>) -> impl Stream<Item = io::Result<Event>> + Unpin {
    Box::pin(delayed(events).chain(delayed(vec![key('q')])))
}

/// Events that arrive after the loop has drawn a few frames.
fn delayed(events: Vec<io::Result<Event>>) -> impl Stream<Item = io::Result<Event>> + Unpin {
    // The sleep is created inside the async block, so on the loop's runtime.
    let pause = stream::once(async { tokio::time::sleep(Duration::from_millis(150)).await })
        .filter_map(|()| async { None });
    Box::pin(pause.chain(stream::iter(events)))
}

/// The test's ends of one hand-served training thread.
struct FakeTrainer {
    preset: Preset,
    commands: Receiver<Command>,
    snapshot_sender: Option<Sender<Snapshot>>,
}

/// Every trainer the pool started, in start order.
type Started = Rc<RefCell<Vec<FakeTrainer>>>;

/// Builds a pool whose threads are channel pairs recorded in `started`.
fn fake_pool(started: &Started) -> TrainerPool {
    let started = Rc::clone(started);
    TrainerPool::new(Box::new(move |preset: Preset| {
        let (command_sender, commands) = mpsc::channel();
        let (snapshot_sender, snapshots) = mpsc::channel();
        started.borrow_mut().push(FakeTrainer {
            preset,
            commands,
            snapshot_sender: Some(snapshot_sender),
        });
        TrainerHandle::from_channels(command_sender, snapshots)
    }))
}

struct Harness {
    terminal: Terminal<TestBackend>,
    app: App,
    trainers: TrainerPool,
    started: Started,
}

impl Harness {
    fn new() -> Harness {
        let app = App::new(preset(), vec![preset()]);
        let started: Started = Rc::default();
        let mut trainers = fake_pool(&started);
        trainers.start(app.run_presets());
        Harness {
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("test backend"),
            app,
            trainers,
            started,
        }
    }

    fn run(&mut self, events: impl Stream<Item = io::Result<Event>> + Unpin) -> ExitReason {
        self.try_run(events).expect("event loop")
    }

    fn try_run(
        &mut self,
        events: impl Stream<Item = io::Result<Event>> + Unpin,
    ) -> anyhow::Result<ExitReason> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(run_event_loop(
            &mut self.terminal,
            &mut self.app,
            &THEME,
            events,
            &mut self.trainers,
        ))
    }

    /// Next command that trainer `index` received, if any.
    fn command(&self, index: usize) -> Option<Command> {
        self.started.borrow()[index].commands.try_recv().ok()
    }

    fn send_snapshot(&self, index: usize, snapshot: Snapshot) {
        let started = self.started.borrow();
        let sender = started[index].snapshot_sender.as_ref().expect("sender");
        sender.send(snapshot).expect("send");
    }

    fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let width = usize::from(buffer.area.width);
        buffer
            .content
            .chunks(width)
            .map(|row| row.iter().map(|cell| cell.symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[test]
fn loop_sends_restart_and_quits() {
    let mut harness = Harness::new();
    let reason = harness.run(stream::iter(vec![key('W'), key('q')]));
    assert_eq!(reason, ExitReason::Quit);
    match harness.command(0) {
        Some(Command::Restart(preset)) => assert_eq!(preset.model.width, 512),
        other => panic!("expected a restart, got {other:?}"),
    }
    assert!(harness.command(0).is_none(), "q sends no command");
}

#[test]
fn loop_pause_sends_pause_then_resume() {
    let mut harness = Harness::new();
    harness.run(stream::iter(vec![key(' '), key(' '), key('q')]));
    assert!(matches!(harness.command(0), Some(Command::Pause)));
    assert!(matches!(harness.command(0), Some(Command::Resume)));
}

#[test]
fn loop_draws_drained_snapshots() {
    let mut harness = Harness::new();
    harness.send_snapshot(0, snapshot(0, Some(run_info())));
    harness.send_snapshot(0, snapshot(1230, None));
    let reason = harness.run(delayed(vec![key('q')]));
    assert_eq!(reason, ExitReason::Quit);
    let screen = harness.screen();
    assert!(screen.contains("step 1230"), "{screen}");
    assert!(screen.contains("standard γ=1.0"), "{screen}");
    assert!(screen.contains("cond(Θ) 42"), "{screen}");
    assert!(screen.contains("running"), "{screen}");
}

#[test]
fn loop_reports_closed_trainer() {
    let mut harness = Harness::new();
    harness.started.borrow_mut()[0].snapshot_sender = None;
    harness.run(delayed(vec![key('q')]));
    let screen = harness.screen();
    assert!(screen.contains("training thread stopped"), "{screen}");
}

#[test]
fn loop_redraws_after_resize() {
    let mut harness = Harness::new();
    harness.terminal.backend_mut().resize(30, 8);
    harness.run(delayed(vec![Ok(Event::Resize(30, 8)), key('q')]));
    let screen = harness.screen();
    let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("need 60x16, have 30x8"), "{flat}");
}

#[test]
fn loop_ends_when_input_closes() {
    let mut harness = Harness::new();
    let release = KeyEvent::new_with_kind_and_state(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
        KeyEventState::NONE,
    );
    // A released key is not a press, so the loop only ends with the input.
    let reason = harness.run(stream::iter(vec![Ok(Event::Key(release))]));
    assert_eq!(reason, ExitReason::InputClosed);
}

#[test]
fn loop_input_error_is_returned() {
    let mut harness = Harness::new();
    let events = stream::iter(vec![Err(io::Error::other("tty gone"))]);
    let result = harness.try_run(events);
    let error = result.expect_err("input error must end the loop");
    assert_eq!(error.to_string(), "failed to read terminal input");
}

#[test]
fn loop_starts_compare_mode() {
    let mut harness = Harness::new();
    harness.terminal.backend_mut().resize(120, 40);
    let reason = harness.run(then_quit(vec![key('c'), key('W'), key(' ')]));
    assert_eq!(reason, ExitReason::Quit);
    let started = harness.started.borrow();
    // The single run's trainer, then one new trainer per compared run.
    assert_eq!(started.len(), 3);
    assert_eq!(started[1].preset.model.scaling, Scaling::Standard);
    assert_eq!(started[2].preset.model.scaling, Scaling::MeanField);
    drop(started);
    for run in [1, 2] {
        match harness.command(run) {
            Some(Command::Restart(preset)) => assert_eq!(preset.model.width, 512, "run {run}"),
            other => panic!("run {run}: expected a restart, got {other:?}"),
        }
        assert!(
            matches!(harness.command(run), Some(Command::Pause)),
            "run {run}"
        );
    }
    assert!(harness.app.is_comparing());
    let screen = harness.screen();
    assert!(
        screen.contains("compare standard vs mean-field"),
        "{screen}"
    );
    assert!(screen.contains("pause (all 2 runs)"), "{screen}");
}

#[test]
fn loop_compare_draws_each_run() {
    let mut harness = Harness::new();
    harness.terminal.backend_mut().resize(120, 40);
    harness.run(stream::iter(vec![key('c')]));
    let mut rows = Vec::new();
    for step in 0..40 {
        let mut row = lazyrich::train::snapshot::MetricRow {
            step: step * 10,
            values: [0.1; 11],
            test_accuracy: None,
            kernel_alignment_uncentred: 0.0,
            weight_change_w_spectral: 0.0,
            hidden_weight_change: Vec::new(),
            teacher_alignment: None,
        };
        row.values[0] = 1.0 / (1.0 + step as f64);
        rows.push(row);
    }
    for run in [1, 2] {
        let mut update = snapshot(390, Some(run_info()));
        update.generation = 1;
        update.rows = rows.clone();
        update.view = Some(FunctionView {
            network: run_info()
                .x_test
                .iter()
                .map(|x| x.sin() * run as f64)
                .collect(),
            ..FunctionView::default()
        });
        harness.send_snapshot(run, update);
    }
    // m shows the test loss in the focused loss chart, and Tab then m the
    // weight change in the change chart.
    let tab = Ok(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    harness.run(then_quit(vec![key('m'), tab, key('m')]));
    let screen = harness.screen();
    assert!(screen.contains(" test loss 2/2 (log) "), "{screen}");
    assert!(screen.contains(" ▶ weight change W 2/3 "), "{screen}");
    assert!(screen.contains(" kernel distance 1/3 "), "{screen}");
    assert!(screen.contains("weight change W (2/3)"), "{screen}");
    assert!(screen.contains("step 390, 390"), "{screen}");
    assert!(screen.contains("━ standard 0.1"), "{screen}");
    assert!(screen.contains("━ mean-field 0.1"), "{screen}");
}

#[test]
fn loop_export_writes_folder() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let mut harness = Harness::new();
    harness.app = App::new(preset(), vec![preset()]).with_export_dir(folder.path().to_path_buf());
    harness.send_snapshot(0, snapshot(0, Some(run_info())));
    harness.run(then_quit(vec![key('e')]));
    let exports: Vec<_> = std::fs::read_dir(folder.path())
        .expect("read folder")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(exports.len(), 1);
    let export = exports[0].path();
    for name in [
        "metrics.csv",
        "predictions.csv",
        "loss.svg",
        "loss.png",
        "function.svg",
    ] {
        assert!(
            export.join(name).is_file(),
            "{name} missing in {}",
            export.display()
        );
    }
    let screen = harness.screen();
    assert!(screen.contains("exported to "), "{screen}");
}

#[test]
fn loop_repaints_after_ctrl_z() {
    let mut harness = Harness::new();
    harness.send_snapshot(0, snapshot(0, Some(run_info())));
    harness.send_snapshot(0, snapshot(1230, None));
    let ctrl_z = Ok(Event::Key(KeyEvent::new(
        KeyCode::Char('z'),
        KeyModifiers::CONTROL,
    )));
    // The test backend's stop does nothing, and its resume clears the
    // screen. Only a full repaint after the resume brings the text back.
    let events = delayed(vec![ctrl_z]).chain(delayed(vec![key('q')]));
    let reason = harness.run(Box::pin(events));
    assert_eq!(reason, ExitReason::Quit);
    let screen = harness.screen();
    assert!(screen.contains("step 1230"), "{screen}");
    assert!(screen.contains("standard γ=1.0"), "{screen}");
    assert!(harness.command(0).is_none(), "Ctrl-Z sends no command");
}
