//! The TUI event loop ends cleanly on SIGTERM. This file contains a single
//! test because the signal goes to the whole test process.

use std::io;
use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::Event;
use futures::{StreamExt, stream};
use lazyrich::app::App;
use lazyrich::app::event_loop::{ExitReason, run_event_loop};
use lazyrich::app::trainers::TrainerPool;
use lazyrich::config::types::{
    Activation, DataConfig, DataKind, Encoding, ModelConfig, Optimizer, Preset, Scaling,
    SweepConfig, TrainConfig,
};
use lazyrich::train::runner::TrainerHandle;
use lazyrich::ui::{ColorDepth, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn preset() -> Preset {
    Preset {
        name: "lazy-1d".to_string(),
        description: String::new(),
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
            activation: Activation::Relu,
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

#[test]
fn sigterm_ends_event_loop() {
    let (command_sender, _commands) = mpsc::channel();
    let (_snapshot_sender, snapshots) = mpsc::channel();
    let mut handle = Some(TrainerHandle::from_channels(command_sender, snapshots));
    let mut trainers = TrainerPool::new(Box::new(move |_| {
        handle.take().expect("the test starts one trainer")
    }));
    trainers.start(vec![preset()]);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    let mut app = App::new(preset(), Vec::new());
    let theme = Theme {
        depth: ColorDepth::Monochrome,
        ascii: true,
    };

    // The stream is first polled after the loop registered its handlers. It
    // sends SIGTERM to this process and then stays open, so only the signal
    // can end the loop.
    let kill = stream::once(async {
        let pid = std::process::id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success());
        tokio::time::sleep(Duration::from_millis(1)).await;
    });
    let events = Box::pin(
        kill.filter_map(|()| async { None::<io::Result<Event>> })
            .chain(stream::pending()),
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reason = runtime
        .block_on(run_event_loop(
            &mut terminal,
            &mut app,
            &theme,
            events,
            &mut trainers,
        ))
        .expect("event loop");
    assert_eq!(reason, ExitReason::Signal("SIGTERM"));
}
