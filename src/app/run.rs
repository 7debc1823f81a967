//! `run_tui`: terminal, runtime and trainer wiring around the event loop.

use anyhow::Context;
use crossterm::event::EventStream;
use tracing::{info, warn};

use super::event_loop::{TrainerLink, run_event_loop};
use super::state::App;
use super::terminal::{init_terminal, recorded_panic, restore_terminal};
use crate::config::types::Preset;
use crate::config::{bundled_preset_names, load_preset};
use crate::train::runner::spawn;
use crate::ui::Theme;

/// Runs the terminal UI on `preset` until the user quits or a signal
/// arrives. `ascii` replaces braille and box-drawing characters with ASCII.
/// Colour follows `NO_COLOR`.
///
/// The terminal is restored on every exit path: quit, signal, error and
/// panic. A panic of the training thread is printed after the restore.
///
/// # Errors
/// Fails when the terminal cannot be set up (for example when stdout is not
/// a terminal), or when reading input or drawing fails.
pub fn run_tui(preset: Preset, ascii: bool) -> anyhow::Result<()> {
    let theme = Theme::from_env(ascii);
    let catalog = load_catalog();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;

    let mut terminal =
        init_terminal().context("failed to set up the terminal; is stdout a terminal?")?;
    info!(preset = %preset.name, ascii, color = theme.color, "TUI started");
    let trainer = spawn(preset.clone());
    let mut app = App::new(preset, catalog);
    let link = TrainerLink {
        commands: &trainer.commands,
        snapshots: &trainer.snapshots,
    };
    let result = runtime.block_on(run_event_loop(
        &mut terminal,
        &mut app,
        &theme,
        EventStream::new(),
        link,
    ));
    restore_terminal();
    // Dropping the handle stops the training thread and joins it, after
    // the terminal is back to normal.
    drop(trainer);

    if let Some(message) = recorded_panic() {
        eprintln!("lazyrich: the training thread panicked: {message}");
    }
    let reason = result?;
    info!(?reason, "TUI stopped");
    Ok(())
}

/// Loads the bundled presets in key order. A preset that fails to load is
/// logged and left out, which shifts the keys of the ones after it.
fn load_catalog() -> Vec<Preset> {
    bundled_preset_names()
        .into_iter()
        .filter_map(|name| match load_preset(name, &[]) {
            Ok(preset) => Some(preset),
            Err(err) => {
                warn!(preset = name, %err, "bundled preset failed to load");
                None
            }
        })
        .collect()
}
