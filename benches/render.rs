//! One full frame of the terminal UI, drawn into ratatui's `TestBackend`
//! from an app whose charts hold a long history.

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use lazyrich::app::{Action, App};
use lazyrich::config::load_preset;
use lazyrich::train::Trainer;
use lazyrich::train::snapshot::{RunState, Snapshot};
use lazyrich::ui::{Theme, render};

/// Steps trained before drawing; with `log_every = 10` the charts hold
/// 2000 rows (decimated by the history if it keeps fewer).
const STEPS: u64 = 20_000;

/// Builds an app on the `lazy-1d` preset at width 256 after `STEPS` steps, fed the
/// same snapshots the training thread would send.
fn filled_app() -> App {
    let overrides = [
        "model.width=256".to_string(),
        "train.log_every=10".to_string(),
    ];
    let preset = load_preset("lazy-1d", &overrides).expect("the bundled preset loads");
    let mut trainer = Trainer::new(&preset).expect("the bundled preset trains");
    let mut app = App::new(preset, Vec::new());
    let mut rows = vec![trainer.metrics()];
    let mut info = Some(Arc::new(trainer.info()));
    while trainer.step_count() < STEPS {
        trainer.step().expect("lazy-1d does not diverge");
        if trainer.step_count().is_multiple_of(10) {
            rows.push(trainer.metrics());
        }
        if rows.len() == 100 || trainer.step_count() == STEPS {
            let snapshot = Snapshot {
                generation: 1,
                step: trainer.step_count(),
                steps_per_second: 1234.0,
                state: RunState::Running,
                info: info.take(),
                rows: std::mem::take(&mut rows),
                view: Some(trainer.function_view()),
            };
            app.update(Action::Snapshot(0, Box::new(snapshot)));
        }
    }
    app
}

fn bench_frames(c: &mut Criterion) {
    let app = filled_app();
    let theme = Theme::from_env(false);
    let mut group = c.benchmark_group("frame_render");
    for (width, height) in [(120, 40), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        let id = BenchmarkId::from_parameter(format!("{width}x{height}"));
        group.bench_function(id, |b| {
            b.iter(|| {
                // `draw` diffs against the previous frame, so each iteration
                // pays for layout, widgets and the buffer diff.
                terminal
                    .draw(|frame| render(frame, &app, &theme))
                    .map(|_| ())
                    .expect("drawing into memory succeeds")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_frames);
criterion_main!(benches);
