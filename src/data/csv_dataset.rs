//! Regression and classification datasets from CSV files: reading,
//! splitting, standardising the input columns and coding class labels.

use ndarray::{Array1, Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::classification::{encode_targets, standardise};
use super::csv_classes::{class_indices, class_names};
use super::csv_file::{Table, TableOptions, parse_table};
use super::dataset::{Dataset, Task};
use super::error::DataError;
use crate::config::bundled_data_file;
use crate::config::types::{CsvConfig, CsvTask, DataConfig};

/// Builds a dataset from `data.path` (and `data.test_path`).
///
/// Without a test file the rows are shuffled by `data.seed`, the first
/// `train` rows form the training set and the next `test` rows the test
/// set. With a test file, `train` rows are drawn the same way from `path`
/// and `test` rows from `test_path`. Each input column is standardised with
/// the mean and population standard deviation of the training rows (see
/// [`standardise`]). For `data.task = "regression"` the targets are used as
/// written. For `"classification"` the classes are the distinct labels of
/// both files (see [`class_names`]), coded by `data.encoding` as for digits.
///
/// # Errors
///
/// `ReadFile` when a file cannot be read, any error of [`parse_table`],
/// and `Table` when a file has fewer rows than requested or the two files
/// have different input columns.
pub fn load_csv_dataset(config: &DataConfig) -> Result<Dataset, DataError> {
    let Some(csv) = &config.csv else {
        return Err(DataError::InvalidConfig(
            "data.kind = \"csv\" needs data.path".to_string(),
        ));
    };
    let options = TableOptions {
        header: csv.header,
        target: csv.target.clone(),
        labels: csv.task == CsvTask::Classification,
    };
    let table = read_table(&csv.path, csv, &options)?;
    let test_table = match &csv.test_path {
        Some(test_path) => {
            let test_table = read_table(test_path, csv, &options)?;
            check_same_inputs(&table, &test_table, test_path)?;
            Some(test_table)
        }
        None => None,
    };

    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (train, test) = match &test_table {
        None => {
            let rows = shuffled_rows(&table, config.train + config.test, &csv.path, &mut rng)?;
            let (train, test) = rows.split_at(config.train);
            ((&table, train.to_vec()), (&table, test.to_vec()))
        }
        Some(test_table) => {
            let train = shuffled_rows(&table, config.train, &csv.path, &mut rng)?;
            let test_path = csv.test_path.as_deref().unwrap_or_default();
            let test = shuffled_rows(test_table, config.test, test_path, &mut rng)?;
            ((&table, train), (test_table, test))
        }
    };
    let mut x_train = train.0.inputs.select(Axis(0), &train.1);
    let mut x_test = test.0.inputs.select(Axis(0), &test.1);
    standardise(&mut x_train, &mut x_test);

    if csv.task == CsvTask::Regression {
        return Ok(Dataset {
            x_train,
            y_train: target_column(train.0, &train.1),
            x_test,
            y_test: target_column(test.0, &test.1),
            test_class: Array1::zeros(0),
            task: Task::Regression,
            teacher: None,
        });
    }
    let mut label_lists = vec![table.labels.as_slice()];
    label_lists.extend(test_table.as_ref().map(|test| test.labels.as_slice()));
    let names = class_names(&label_lists, &csv.path)?;
    let train_class = class_indices(&train.0.labels, &train.1, &names);
    let test_class = class_indices(&test.0.labels, &test.1, &names);
    Ok(Dataset {
        x_train,
        y_train: encode_targets(&train_class, names.len(), config.encoding),
        x_test,
        y_test: encode_targets(&test_class, names.len(), config.encoding),
        test_class,
        task: Task::Classification { labels: names },
        teacher: None,
    })
}

/// Reads a table from disk, or from the bundled data files for a bundled
/// preset.
fn read_table(path: &str, csv: &CsvConfig, options: &TableOptions) -> Result<Table, DataError> {
    if csv.bundled {
        let Some(text) = bundled_data_file(path) else {
            let problem = "no bundled data file has this name; a bundled preset can only \
                           name bundled files"
                .to_string();
            return Err(DataError::Table {
                file: path.to_string(),
                problem,
            });
        };
        return parse_table(text, &format!("presets/{path}"), options);
    }
    let text = std::fs::read_to_string(path).map_err(|error| DataError::ReadFile {
        path: path.to_string(),
        error,
    })?;
    parse_table(&text, path, options)
}

/// Returns `count` row indices of `table` in an order shuffled by `rng`.
fn shuffled_rows(
    table: &Table,
    count: usize,
    path: &str,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<usize>, DataError> {
    let available = table.inputs.nrows();
    if count > available {
        let problem = format!(
            "has {available} data rows, but the preset asks for {count} (data.train and \
             data.test); lower them or add rows"
        );
        return Err(DataError::Table {
            file: path.to_string(),
            problem,
        });
    }
    let mut rows: Vec<usize> = (0..available).collect();
    rows.shuffle(rng);
    rows.truncate(count);
    Ok(rows)
}

/// Returns the numeric targets of `rows` as a `rows x 1` matrix.
fn target_column(table: &Table, rows: &[usize]) -> Array2<f64> {
    table.targets.select(Axis(0), rows).insert_axis(Axis(1))
}

fn check_same_inputs(train: &Table, test: &Table, test_path: &str) -> Result<(), DataError> {
    let same_count = train.inputs.ncols() == test.inputs.ncols();
    let same_names = match (&train.input_names, &test.input_names) {
        (Some(train), Some(test)) => train == test,
        _ => true,
    };
    if same_count && same_names {
        return Ok(());
    }
    let problem = format!(
        "has input columns {:?} ({}), but data.path has {:?} ({}); expected the same columns",
        test.input_names.as_deref().unwrap_or_default(),
        test.inputs.ncols(),
        train.input_names.as_deref().unwrap_or_default(),
        train.inputs.ncols(),
    );
    Err(DataError::Table {
        file: test_path.to_string(),
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::types::{CsvTarget, DataKind, HeaderMode};

    fn csv_config(path: &str, test_path: Option<&str>, train: usize, test: usize) -> DataConfig {
        DataConfig {
            kind: DataKind::Csv,
            train,
            test,
            csv: Some(CsvConfig {
                path: path.to_string(),
                test_path: test_path.map(str::to_string),
                target: CsvTarget::Name("y".into()),
                header: HeaderMode::Auto,
                task: CsvTask::Regression,
                bundled: false,
            }),
            ..DataConfig::default()
        }
    }

    fn write(folder: &tempfile::TempDir, name: &str, text: &str) -> String {
        let path = folder.path().join(name);
        std::fs::write(&path, text).expect("write table");
        path.display().to_string()
    }

    #[test]
    fn split_and_standardise() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let rows: String = (0..10).map(|i| format!("{i},{}\n", 2 * i)).collect();
        let path = write(&folder, "t.csv", &format!("x,y\n{rows}"));
        let data = load_csv_dataset(&csv_config(&path, None, 6, 4)).expect("valid");
        assert_eq!(data.x_train.dim(), (6, 1));
        assert_eq!(data.x_test.dim(), (4, 1));
        // y = 2x before standardisation; the mean of the standardised
        // training column is 0 up to rounding of six values.
        let mean = data.x_train.mean().unwrap_or(f64::NAN);
        assert!(mean.abs() < 1e-12, "mean {mean}");
        let mut all: Vec<f64> = data.y_train.iter().chain(&data.y_test).copied().collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all, (0..10).map(|i| 2.0 * i as f64).collect::<Vec<_>>());
    }

    #[test]
    fn separate_test_file() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let train = write(&folder, "a.csv", "x,y\n1,1\n2,2\n3,3\n");
        let test = write(&folder, "b.csv", "x,y\n7,7\n");
        let data = load_csv_dataset(&csv_config(&train, Some(&test), 3, 1)).expect("valid");
        assert_eq!(data.y_test[[0, 0]], 7.0);
        // Training x has mean 2 and sd sqrt(2/3); 7 maps to 5 / 0.8165.
        let expected = 5.0 / (2.0f64 / 3.0).sqrt();
        assert!((data.x_test[[0, 0]] - expected).abs() < 1e-12);
    }

    #[test]
    fn too_few_rows_names_file() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = write(&folder, "t.csv", "x,y\n1,1\n2,2\n");
        let error = load_csv_dataset(&csv_config(&path, None, 2, 1)).expect_err("3 > 2 rows");
        let message = error.to_string();
        assert!(message.contains("t.csv"), "{message}");
        assert!(message.contains("has 2 data rows"), "{message}");
    }

    #[test]
    fn mismatched_test_columns_rejected() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let train = write(&folder, "a.csv", "x,y\n1,1\n");
        let test = write(&folder, "b.csv", "z,y\n7,7\n");
        let error = load_csv_dataset(&csv_config(&train, Some(&test), 1, 1))
            .expect_err("different columns");
        assert!(error.to_string().contains("b.csv"), "{error}");
    }

    #[test]
    fn missing_file_is_read_error() {
        let error =
            load_csv_dataset(&csv_config("/nonexistent/t.csv", None, 1, 1)).expect_err("no file");
        assert!(matches!(error, DataError::ReadFile { .. }));
    }

    fn classification(config: &mut DataConfig, encoding: crate::config::Encoding) {
        config.encoding = encoding;
        if let Some(csv) = config.csv.as_mut() {
            csv.task = CsvTask::Classification;
        }
    }

    #[test]
    fn text_labels_coded_one_hot() {
        let folder = tempfile::tempdir().expect("temporary folder");
        // x 0..2 carry "b", 3..5 "a", 6..8 "c": the label is monotone in x.
        let rows: String = (0..9)
            .map(|i| format!("{i},{}\n", ["b", "a", "c"][i / 3]))
            .collect();
        let path = write(&folder, "t.csv", &format!("x,y\n{rows}"));
        let mut config = csv_config(&path, None, 6, 3);
        classification(&mut config, crate::config::Encoding::OneHot);
        let data = load_csv_dataset(&config).expect("valid");

        let Task::Classification { labels } = &data.task else {
            panic!("expected a classification task, found {:?}", data.task);
        };
        assert_eq!(labels, &["a", "b", "c"]);
        assert_eq!(data.y_train.dim(), (6, 3));
        assert_eq!(data.y_test.dim(), (3, 3));
        let mut coded: Vec<(f64, usize)> = Vec::new();
        for (inputs, targets) in [(&data.x_train, &data.y_train), (&data.x_test, &data.y_test)] {
            for (x, row) in inputs.column(0).iter().zip(targets.rows()) {
                assert_eq!(row.sum(), 1.0);
                let class = row.iter().position(|t| *t == 1.0).unwrap_or(usize::MAX);
                coded.push((*x, class));
            }
        }
        for (row, class) in data.test_class.iter().enumerate() {
            assert_eq!(data.y_test[[row, *class]], 1.0);
        }
        // Standardising keeps the order of x, so along increasing x the
        // classes must run b (1), then a (0), then c (2).
        coded.sort_by(|a, b| a.0.total_cmp(&b.0));
        let order: Vec<usize> = coded.iter().map(|(_, class)| [1, 0, 2][*class]).collect();
        assert!(order.windows(2).all(|pair| pair[0] <= pair[1]), "{coded:?}");
    }

    #[test]
    fn test_file_classes_join_plus_minus() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let train = write(&folder, "a.csv", "x,y\n1,no\n2,no\n");
        let test = write(&folder, "b.csv", "x,y\n7,yes\n");
        let mut config = csv_config(&train, Some(&test), 2, 1);
        classification(&mut config, crate::config::Encoding::PlusMinus);
        let data = load_csv_dataset(&config).expect("valid");

        // Two classes "no" < "yes" with one plus-minus output: "yes" is +1.
        assert_eq!(data.y_train.column(0).to_vec(), [-1.0, -1.0]);
        assert_eq!(data.y_test[[0, 0]], 1.0);
        assert_eq!(data.test_class.to_vec(), [1]);
    }

    #[test]
    fn single_class_table_rejected() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = write(&folder, "t.csv", "x,y\n1,a\n2,a\n");
        let mut config = csv_config(&path, None, 1, 1);
        classification(&mut config, crate::config::Encoding::OneHot);
        let error = load_csv_dataset(&config).expect_err("one class");
        assert!(error.to_string().contains("has 1 classes"), "{error}");
    }

    #[test]
    fn bundled_demo_table_loads() {
        let mut config = csv_config("data/csv-demo.csv", None, 200, 100);
        if let Some(csv) = config.csv.as_mut() {
            csv.bundled = true;
        }
        let data = load_csv_dataset(&config).expect("bundled table");
        assert_eq!(data.x_train.dim(), (200, 2));
        assert_eq!(data.y_test.dim(), (100, 1));
    }

    #[test]
    fn bundled_classes_table_loads() {
        let mut config = csv_config("data/csv-classes.csv", None, 300, 150);
        classification(&mut config, crate::config::Encoding::OneHot);
        if let Some(csv) = config.csv.as_mut() {
            csv.bundled = true;
            csv.target = CsvTarget::Name("colour".into());
        }
        let data = load_csv_dataset(&config).expect("bundled table");
        assert_eq!(data.x_train.dim(), (300, 4));
        assert_eq!(data.y_test.dim(), (150, 3));
        let counts = (0..3).map(|class| data.test_class.iter().filter(|c| **c == class).count());
        // 150 rows per class in the file, so every class reaches the test set.
        assert!(
            counts.clone().all(|count| count > 20),
            "{:?}",
            counts.collect::<Vec<_>>()
        );
    }
}
