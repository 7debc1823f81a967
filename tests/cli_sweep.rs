//! `lazyrich sweep` end to end: the grid, the tables, shards and merge, and
//! the error messages.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

fn lazyrich() -> Command {
    common::lazyrich_logging_to("cli-sweep-test")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A grid of 2 widths x 2 scalings x 2 seeds = 8 small runs of 20 steps.
const GRID: [&str; 10] = [
    "--grid",
    "model.width=16,32",
    "--grid",
    "model.scaling=standard,mean-field",
    "--seeds",
    "2",
    "--steps",
    "20",
    "--set",
    "data.test=20",
];

fn sweep(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    lazyrich()
        .args(["sweep", "lazy-1d"])
        .args(GRID)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

/// Runs `lazyrich sweep --merge FOLDERS --out OUT EXTRA`.
fn merge_folders(folders: &[&Path], out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    lazyrich()
        .args(["sweep", "--merge"])
        .args(folders)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn sweep_writes_tables_and_slopes() {
    let out = tempfile::tempdir().unwrap();
    let assert = sweep(out.path(), &[]).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        stdout.starts_with("model.width  model.scaling  runs"),
        "{stdout}"
    );
    assert!(stdout.contains("slope vs width"), "{stdout}");

    let runs = read(&out.path().join("sweep.csv"));
    let mut lines = runs.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("model.width,model.scaling,seed,train_loss,test_loss,weight_change_w"),
        "{header}"
    );
    assert!(header.ends_with("test_accuracy,teacher_alignment,nngp_accuracy,ntk_accuracy"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 8);
    assert!(rows[0].starts_with("16,standard,0,"), "{}", rows[0]);
    assert!(rows[1].starts_with("16,standard,1,"), "{}", rows[1]);
    assert!(rows[7].starts_with("32,mean-field,1,"), "{}", rows[7]);

    let summary = read(&out.path().join("sweep_summary.csv"));
    assert!(summary.starts_with("model.width,model.scaling,runs,train_loss_mean,train_loss_se,"));
    assert_eq!(summary.lines().count(), 5);
    assert!(
        summary
            .lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("16,standard,2,")
    );

    let slopes = read(&out.path().join("sweep_slopes.csv"));
    assert!(
        slopes.starts_with("model.scaling,metric,slope,slope_largest_two,points\n"),
        "{slopes}"
    );
    assert_eq!(slopes.lines().count(), 7);
    assert!(out.path().join("runs/0007/summary.json").is_file());
}

#[test]
fn shards_merge_to_unsharded_sweep() {
    let whole = tempfile::tempdir().unwrap();
    sweep(whole.path(), &[]).success();
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    sweep(first.path(), &["--shard", "0/2"]).success();
    sweep(second.path(), &["--shard", "1/2"]).success();
    assert_eq!(read(&first.path().join("sweep.csv")).lines().count(), 5);

    let merged = tempfile::tempdir().unwrap();
    merge_folders(&[first.path(), second.path()], merged.path(), &[])
        .success()
        .stdout(contains("model.width  model.scaling  runs"));
    // The runs are deterministic, so the merged tables match the unsharded
    // ones byte for byte.
    for name in ["sweep.csv", "sweep_summary.csv", "sweep_slopes.csv"] {
        assert_eq!(
            read(&merged.path().join(name)),
            read(&whole.path().join(name)),
            "{name}"
        );
    }
}

#[test]
fn merge_rejects_missing_shard() {
    let first = tempfile::tempdir().unwrap();
    sweep(first.path(), &["--shard", "0/2"]).success();
    let merged = tempfile::tempdir().unwrap();
    merge_folders(&[first.path()], merged.path(), &[])
        .code(2)
        .stderr(contains("contain 4 of the 8 runs"))
        .stderr(contains("missing runs 1, 3, 5, 7 (from --shard 1/2)"));
    assert!(!merged.path().join("sweep.csv").exists());

    merge_folders(&[first.path()], merged.path(), &["--allow-partial"])
        .success()
        .stderr(contains("they are left out"));
    assert_eq!(read(&merged.path().join("sweep.csv")).lines().count(), 5);
}

#[test]
fn merge_names_a_bad_metric_cell() {
    let first = tempfile::tempdir().unwrap();
    sweep(first.path(), &[]).success();
    let path = first.path().join("sweep.csv");
    let text = read(&path);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Column 4 of the third line is train_loss.
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[3] = "oops";
    lines[2] = cells.join(",");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let merged = tempfile::tempdir().unwrap();
    merge_folders(&[first.path()], merged.path(), &[])
        .code(2)
        .stderr(contains(
            "line 3, column 4 (train_loss): \"oops\" is not a number",
        ));
}

#[test]
fn merge_rejects_mismatched_grids() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    sweep(first.path(), &["--shard", "0/2"]).success();
    lazyrich()
        .args([
            "sweep",
            "lazy-1d",
            "--grid",
            "model.width=16,64",
            "--steps",
            "20",
        ])
        .args(["--set", "data.test=20", "--shard", "1/2", "--out"])
        .arg(second.path())
        .assert()
        .success();
    let merged = tempfile::tempdir().unwrap();
    merge_folders(&[first.path(), second.path()], merged.path(), &[])
        .code(2)
        .stderr(contains("its grid differs"));
}

/// Runs `lazyrich sweep lazy-1d ARGS` with a fresh output folder, expects
/// exit code 2 (invalid input) and returns the output folder and stderr.
fn invalid_sweep(args: &[&str]) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let assert = lazyrich()
        .args(["sweep", "lazy-1d"])
        .args(args)
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    (out, stderr)
}

#[test]
fn bad_grid_value_names_key_and_range() {
    let (out, stderr) = invalid_sweep(&["--grid", "model.width=16,0"]);
    let expected = "invalid grid value model.width=0: model.width = 0 is out of range: \
                    expected an integer from 1 to 65536";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!out.path().join("sweep.csv").exists());
}

#[test]
fn misspelt_grid_key_suggests_name() {
    let (_, stderr) = invalid_sweep(&["--grid", "model.scalng=standard"]);
    assert!(stderr.contains("did you mean `model.scaling`?"), "{stderr}");
}

#[test]
fn malformed_grid_and_shard_rejected() {
    let (_, grid) = invalid_sweep(&["--grid", "model.width"]);
    assert!(grid.contains("expected section.key=v1,v2,..."), "{grid}");
    let (_, shard) = invalid_sweep(&["--shard", "2/2"]);
    assert!(shard.contains("expected i/n with 0 <= i < n"), "{shard}");
}
