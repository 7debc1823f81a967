//! The TUI event loop driven by scripted key events, a hand-fed snapshot
//! channel and a test backend.

use std::io;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use futures::{Stream, StreamExt, stream};
use lazyrich::app::App;
use lazyrich::app::event_loop::{ExitReason, TrainerLink, run_event_loop};
use lazyrich::config::types::{
    Activation, DataConfig, DataKind, Encoding, ModelConfig, Optimizer, Preset, Scaling,
    SweepConfig, TrainConfig,
};
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

/// Events that arrive after the loop has drawn a few frames.
fn delayed(events: Vec<io::Result<Event>>) -> impl Stream<Item = io::Result<Event>> + Unpin {
    // The sleep is created inside the async block, so on the loop's runtime.
    let pause = stream::once(async { tokio::time::sleep(Duration::from_millis(150)).await })
        .filter_map(|()| async { None });
    Box::pin(pause.chain(stream::iter(events)))
}

struct Harness {
    terminal: Terminal<TestBackend>,
    app: App,
    command_sender: Sender<Command>,
    commands: Receiver<Command>,
    snapshot_sender: Option<Sender<Snapshot>>,
    snapshots: Receiver<Snapshot>,
}

impl Harness {
    fn new() -> Harness {
        let (command_sender, commands) = mpsc::channel();
        let (snapshot_sender, snapshots) = mpsc::channel();
        Harness {
            terminal: Terminal::new(TestBackend::new(80, 24)).expect("test backend"),
            app: App::new(preset(), vec![preset()]),
            command_sender,
            commands,
            snapshot_sender: Some(snapshot_sender),
            snapshots,
        }
    }

    fn run(&mut self, events: impl Stream<Item = io::Result<Event>> + Unpin) -> ExitReason {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let link = TrainerLink {
            commands: &self.command_sender,
            snapshots: &self.snapshots,
        };
        runtime
            .block_on(run_event_loop(
                &mut self.terminal,
                &mut self.app,
                &THEME,
                events,
                link,
            ))
            .expect("event loop")
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
    match harness.commands.try_recv() {
        Ok(Command::Restart(preset)) => assert_eq!(preset.model.width, 512),
        other => panic!("expected a restart, got {other:?}"),
    }
    assert!(harness.commands.try_recv().is_err(), "q sends no command");
}

#[test]
fn loop_pause_sends_pause_then_resume() {
    let mut harness = Harness::new();
    harness.run(stream::iter(vec![key(' '), key(' '), key('q')]));
    assert!(matches!(harness.commands.try_recv(), Ok(Command::Pause)));
    assert!(matches!(harness.commands.try_recv(), Ok(Command::Resume)));
}

#[test]
fn loop_draws_drained_snapshots() {
    let mut harness = Harness::new();
    let sender = harness.snapshot_sender.as_ref().expect("sender");
    sender.send(snapshot(0, Some(run_info()))).expect("send");
    sender.send(snapshot(1230, None)).expect("send");
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
    harness.snapshot_sender = None;
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
    let link = TrainerLink {
        commands: &harness.command_sender,
        snapshots: &harness.snapshots,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let events = stream::iter(vec![Err(io::Error::other("tty gone"))]);
    let result = runtime.block_on(run_event_loop(
        &mut harness.terminal,
        &mut harness.app,
        &THEME,
        events,
        link,
    ));
    let error = result.expect_err("input error must end the loop");
    assert_eq!(error.to_string(), "failed to read terminal input");
}

#[test]
fn loop_repaints_after_ctrl_z() {
    let mut harness = Harness::new();
    let sender = harness.snapshot_sender.as_ref().expect("sender");
    sender.send(snapshot(0, Some(run_info()))).expect("send");
    sender.send(snapshot(1230, None)).expect("send");
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
    assert!(
        harness.commands.try_recv().is_err(),
        "Ctrl-Z sends no command"
    );
}
