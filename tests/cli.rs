//! The `lazyrich` binary end to end: files, columns, exit codes, errors.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

const METRICS_HEADER: &str = "step,train_loss,test_loss,weight_change_w,weight_change_a,\
feature_change,kernel_distance,kernel_change,kernel_alignment,gap_ntk,gap_linearized,gap_gp";

fn lazyrich() -> Command {
    common::lazyrich_logging_to("cli-test")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn run_writes_metrics_predictions_summary() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "lazy-1d",
            "--steps",
            "200",
            "--set",
            "model.width=256",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();

    let metrics = read(&out.path().join("metrics.csv"));
    let mut lines = metrics.lines();
    assert_eq!(lines.next(), Some(METRICS_HEADER));
    let rows: Vec<&str> = lines.collect();
    // Step 0 plus one row every log_every = 20 steps.
    assert_eq!(rows.len(), 11);
    assert!(rows[10].starts_with("200,"), "last row {}", rows[10]);
    for row in &rows {
        assert_eq!(row.split(',').count(), 12, "row {row}");
    }

    let predictions = read(&out.path().join("predictions.csv"));
    let header = predictions.lines().next().unwrap();
    assert_eq!(
        header,
        "x,target,network,gp_mean,ntk,ntk_limit,linearized,gp_sd"
    );
    assert_eq!(predictions.lines().count(), 1 + 200);

    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["preset"], "lazy-1d");
    assert_eq!(summary["steps"], 200);
    assert_eq!(summary["settings"]["model"]["width"], 256);
    assert_eq!(summary["settings"]["data"]["kind"], "sine-1d");
    assert!(summary["steps_per_second"].as_f64().unwrap() > 0.0);
    for name in METRICS_HEADER.split(',').skip(1) {
        assert!(summary["final"][name].is_number(), "final.{name} missing");
    }
}

#[test]
fn run_deep_adds_layer_columns() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "lazy-deep",
            "--steps",
            "20",
            "--set",
            "model.width=32",
        ])
        .args(["--set", "model.depth=3", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let layers = ",weight_change_w2,weight_change_w3,\
weight_change_w2_spectral,weight_change_w3_spectral";
    let metrics = read(&out.path().join("metrics.csv"));
    let mut lines = metrics.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{METRICS_HEADER}{layers}").as_str())
    );
    for row in lines {
        assert_eq!(row.split(',').count(), 16, "row {row}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["settings"]["model"]["depth"], 3);
    for name in layers.split(',').skip(1) {
        let value = summary["final"][name].as_f64();
        assert!(value.is_some_and(|v| v > 0.0), "final.{name} is {value:?}");
    }
}

#[test]
fn run_rejects_oversized_deep_network() {
    // Two 16384 x 16384 hidden layers would need 4 GiB per parameter copy.
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "lazy-deep",
            "--steps",
            "1",
            "--set",
            "model.width=16384",
        ])
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(contains("lower model.width or model.depth"));
}

#[test]
fn run_digits_reports_accuracy() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "digits",
            "--steps",
            "20",
            "--set",
            "model.width=128",
            "--set",
            "data.train=100",
        ])
        .args(["--set", "data.test=100", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let metrics = read(&out.path().join("metrics.csv"));
    assert!(
        metrics
            .lines()
            .next()
            .unwrap()
            .ends_with(",gap_gp,test_accuracy")
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    let accuracy = summary["final"]["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy));
    let nngp = summary["theory"]["nngp_accuracy"].as_f64().unwrap();
    // Kernel regression on 100 digits of 10 classes is far above chance (0.1).
    assert!(nngp > 0.6, "NNGP accuracy {nngp}");
}

#[test]
fn bad_preset_exits_2_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(
        &file,
        "name = \"bad\"\n[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n[model]\nwidth = 0\n",
    )
    .unwrap();
    lazyrich()
        .args(["run"])
        .arg(&file)
        .args(["--out"])
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(contains("bad.toml:7:9"))
        .stderr(contains("model.width"));
    lazyrich()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(contains("bad.toml:7:9"));
}

#[test]
fn bad_override_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["run", "lazy-1d", "--set", "model.widht=3", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("model.width"));
}

#[test]
fn oversized_dataset_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    lazyrich()
        .args(["run", "lazy-1d", "--set", "data.train=100000", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("data.train"))
        .stderr(contains("10000"));
}

#[test]
fn unknown_preset_exits_2() {
    lazyrich()
        .args(["run", "no-such-preset"])
        .assert()
        .code(2)
        .stderr(contains("lazy-1d"));
}

#[test]
fn presets_lists_bundled_presets() {
    let assert = lazyrich().arg("presets").assert().success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for name in ["lazy-1d", "rich-1d", "bayes-1d", "bayes-rich-1d", "digits"] {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
}

#[test]
fn check_accepts_bundled_preset_file() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/rich-1d.toml");
    lazyrich()
        .arg("check")
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("valid"));
}

#[test]
fn diverging_run_exits_3_and_keeps_finite_files() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "lazy-1d",
            "--steps",
            "500",
            "--set",
            "train.learning_rate=50",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .code(3)
        .stderr(contains("diverged at step"));
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    let step = summary["diverged"]["step"].as_u64().unwrap();
    assert!(step > 0, "diverged at step {step}");
    assert!(step < 500, "diverged at step {step}");
    assert_eq!(summary["steps"].as_u64().unwrap(), step - 1);
    let predictions = read(&out.path().join("predictions.csv"));
    assert!(!predictions.contains("NaN"), "NaN in predictions.csv");
    assert!(!predictions.contains("inf"), "infinity in predictions.csv");
}

#[test]
fn interrupted_run_writes_every_file() {
    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lazyrich"))
        .args(["run", "lazy-1d", "--steps", "100000000", "--out"])
        .arg(out.path())
        .env(
            "LAZYRICH_LOG",
            std::env::temp_dir().join("lazyrich-cli-test.log"),
        )
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has started writing, then send SIGTERM.
    let started = std::time::Instant::now();
    while fs::read_dir(out.path()).unwrap().count() == 0 {
        assert!(started.elapsed().as_secs() < 60, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(130));

    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["interrupted"], true);
    let steps = summary["steps"].as_u64().unwrap();
    let metrics = read(&out.path().join("metrics.csv"));
    let last = metrics.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("{steps},")),
        "last row {last}, steps {steps}"
    );
    let leftovers: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn tui_without_terminal_exits_2() {
    // assert_cmd captures stdout in a pipe, so it is not a terminal.
    for args in [&[][..], &["tui", "rich-1d"][..]] {
        let output = lazyrich().args(args).output().expect("binary runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: escape codes on stdout");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("not a terminal"), "{args:?}: {stderr}");
        assert!(stderr.contains("lazyrich run PRESET"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_names_log_file_and_exit_codes() {
    let output = lazyrich().arg("--help").output().expect("binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Log file: "), "{stdout}");
    assert!(stdout.contains("lazyrich-cli-test.log"), "{stdout}");
    assert!(stdout.contains("130 stopped by a signal"), "{stdout}");
}

#[test]
fn run_plot_writes_images() {
    let out = tempfile::tempdir().unwrap();
    lazyrich()
        .args([
            "run",
            "lazy-1d",
            "--steps",
            "40",
            "--set",
            "model.width=64",
            "--plot",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    for chart in ["loss", "change", "kernel", "function"] {
        let svg = read(&out.path().join(format!("{chart}.svg")));
        assert!(
            svg.starts_with("<svg"),
            "{chart}.svg: {}",
            &svg[..svg.len().min(80)]
        );
        let png = fs::read(out.path().join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png signature");
    }
    let function = read(&out.path().join("function.svg"));
    for legend in ["network", "NTK", "linearized", "GP mean", "data"] {
        assert!(function.contains(legend), "function.svg lacks {legend}");
    }
}

#[test]
fn check_reports_compare_override_position() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("pair.toml");
    let text = "[data]\nkind = \"sine-1d\"\ntrain = 4\ntest = 8\n\
                [[compare]]\nlabel = \"a\"\n\
                [[compare]]\nlabel = \"b\"\nset = [\"model.scaling=rich\"]\n";
    fs::write(&file, text).unwrap();
    let expected = format!(
        "{}:9:8: in [[compare]] run \"b\": model.scaling",
        file.display()
    );
    lazyrich()
        .arg("check")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(contains(expected));
}
