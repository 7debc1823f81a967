//! A bounded metric series: fixed capacity, decimating old points while
//! keeping each bucket's minimum and maximum, so spikes stay visible.

/// A run of consecutive finite values merged into one point range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub first_step: u64,
    pub last_step: u64,
    pub min: f64,
    pub max: f64,
    /// Number of finite values merged into this bucket.
    pub count: u64,
}

impl Bucket {
    fn new(step: u64, value: f64) -> Bucket {
        Bucket {
            first_step: step,
            last_step: step,
            min: value,
            max: value,
            count: 1,
        }
    }

    fn absorb_value(&mut self, step: u64, value: f64) {
        self.last_step = step;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.count += 1;
    }

    fn merge(self, later: Bucket) -> Bucket {
        Bucket {
            first_step: self.first_step,
            last_step: later.last_step,
            min: self.min.min(later.min),
            max: self.max.max(later.max),
            count: self.count + later.count,
        }
    }

    /// Step at the centre of the bucket, used as its x coordinate.
    pub fn mid_step(&self) -> f64 {
        (self.first_step as f64 + self.last_step as f64) / 2.0
    }
}

/// A metric history of at most `capacity` buckets.
///
/// Values arrive in step order. Each bucket takes up to `values_per_bucket`
/// values. When all buckets are full, neighbouring buckets merge pairwise and
/// `values_per_bucket` doubles, so memory is constant however long the run.
/// Non-finite values are not stored but counted.
#[derive(Clone, Debug)]
pub struct Series {
    buckets: Vec<Bucket>,
    capacity: usize,
    values_per_bucket: u64,
    non_finite: u64,
    latest: Option<f64>,
}

impl Series {
    /// Creates an empty series. Capacities below 2 are raised to 2, because
    /// merging needs a pair of buckets.
    pub fn with_capacity(capacity: usize) -> Series {
        let capacity = capacity.max(2);
        Series {
            buckets: Vec::with_capacity(capacity),
            capacity,
            values_per_bucket: 1,
            non_finite: 0,
            latest: None,
        }
    }

    /// Appends the value logged at `step`. NaN and infinities only increase
    /// the non-finite count.
    pub fn push(&mut self, step: u64, value: f64) {
        if !value.is_finite() {
            self.non_finite += 1;
            return;
        }
        self.latest = Some(value);
        if self.absorb_into_last(step, value) {
            return;
        }
        if self.buckets.len() == self.capacity {
            self.merge_neighbours();
            if self.absorb_into_last(step, value) {
                return;
            }
        }
        self.buckets.push(Bucket::new(step, value));
    }

    fn absorb_into_last(&mut self, step: u64, value: f64) -> bool {
        match self.buckets.last_mut() {
            Some(last) if last.count < self.values_per_bucket => {
                last.absorb_value(step, value);
                true
            }
            _ => false,
        }
    }

    /// Halves the number of buckets by merging bucket `2i` with `2i + 1`. An
    /// odd last bucket is kept as it is.
    fn merge_neighbours(&mut self) {
        let len = self.buckets.len();
        for i in 0..len / 2 {
            self.buckets[i] = self.buckets[2 * i].merge(self.buckets[2 * i + 1]);
        }
        if len % 2 == 1 {
            self.buckets[len / 2] = self.buckets[len - 1];
        }
        self.buckets.truncate(len.div_ceil(2));
        self.values_per_bucket = self.values_per_bucket.saturating_mul(2);
    }

    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Number of NaN or infinite values pushed since the last clear.
    pub fn non_finite_count(&self) -> u64 {
        self.non_finite
    }

    /// Most recent finite value.
    pub fn latest(&self) -> Option<f64> {
        self.latest
    }

    /// Smallest and largest stored value, or `None` when the series is empty.
    pub fn value_range(&self) -> Option<(f64, f64)> {
        let first = self.buckets.first()?;
        let range = self.buckets.iter().fold((first.min, first.max), |acc, b| {
            (acc.0.min(b.min), acc.1.max(b.max))
        });
        Some(range)
    }

    /// First and last step covered, or `None` when the series is empty.
    pub fn step_range(&self) -> Option<(u64, u64)> {
        let first = self.buckets.first()?;
        let last = self.buckets.last()?;
        Some((first.first_step, last.last_step))
    }

    /// Polyline through the buckets: one point per bucket, or two (minimum
    /// then maximum, at the bucket's centre step) when they differ. The
    /// vertical segment between them is what keeps a spike visible.
    pub fn line_points(&self) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(2 * self.buckets.len());
        for bucket in &self.buckets {
            let x = bucket.mid_step();
            points.push((x, bucket.min));
            if bucket.max > bucket.min {
                points.push((x, bucket.max));
            }
        }
        points
    }

    pub fn clear(&mut self) {
        self.buckets.clear();
        self.values_per_bucket = 1;
        self.non_finite = 0;
        self.latest = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_stays_within_capacity() {
        let mut series = Series::with_capacity(64);
        let allocated = series.buckets.capacity();
        for step in 0..3_000_000u64 {
            series.push(step, (step as f64).sin());
            assert!(series.buckets().len() <= 64, "too many buckets at {step}");
        }
        // The vector never reallocated: memory is constant.
        assert_eq!(series.buckets.capacity(), allocated);
        assert!(series.buckets().len() >= 32);
        assert_eq!(series.step_range(), Some((0, 2_999_999)));
    }

    #[test]
    fn series_keeps_spike_after_decimation() {
        let mut series = Series::with_capacity(16);
        for step in 0..100_000u64 {
            let value = match step {
                31_337 => 1.0e6,
                77_777 => -5.0,
                _ => 1.0,
            };
            series.push(step, value);
        }
        assert_eq!(series.value_range(), Some((-5.0, 1.0e6)));
        let points = series.line_points();
        assert!(points.iter().any(|p| p.1 == 1.0e6), "spike lost");
        assert!(points.iter().any(|p| p.1 == -5.0), "dip lost");
    }

    #[test]
    fn series_counts_every_value() {
        let mut series = Series::with_capacity(10);
        for step in 0..12_345u64 {
            series.push(step, step as f64);
        }
        let total: u64 = series.buckets().iter().map(|b| b.count).sum();
        assert_eq!(total, 12_345);
        // Buckets cover disjoint, increasing step ranges.
        for pair in series.buckets().windows(2) {
            assert!(pair[0].last_step < pair[1].first_step);
        }
    }

    #[test]
    fn series_skips_and_counts_non_finite() {
        let mut series = Series::with_capacity(8);
        series.push(0, f64::NAN);
        series.push(1, 2.0);
        series.push(2, f64::INFINITY);
        series.push(3, f64::NEG_INFINITY);
        series.push(4, 3.0);
        assert_eq!(series.non_finite_count(), 3);
        assert_eq!(series.value_range(), Some((2.0, 3.0)));
        assert_eq!(series.latest(), Some(3.0));
        assert!(series.line_points().iter().all(|p| p.1.is_finite()));
    }

    #[test]
    fn series_empty_has_no_range() {
        let mut series = Series::with_capacity(0);
        assert_eq!(series.capacity(), 2);
        assert_eq!(series.value_range(), None);
        assert_eq!(series.step_range(), None);
        assert!(series.line_points().is_empty());
        series.push(5, f64::NAN);
        assert!(series.is_empty());
    }

    #[test]
    fn series_odd_capacity_merges() {
        let mut series = Series::with_capacity(5);
        for step in 0..1000u64 {
            series.push(step, step as f64);
        }
        assert!(series.buckets().len() <= 5);
        assert_eq!(series.value_range(), Some((0.0, 999.0)));
        assert_eq!(series.step_range(), Some((0, 999)));
    }

    #[test]
    fn series_clear_resets_everything() {
        let mut series = Series::with_capacity(4);
        for step in 0..100u64 {
            series.push(step, 1.0);
        }
        series.push(100, f64::NAN);
        series.clear();
        assert!(series.is_empty());
        assert_eq!(series.non_finite_count(), 0);
        assert_eq!(series.latest(), None);
        series.push(0, 1.0);
        series.push(1, 2.0);
        // After a clear, each bucket takes one value again.
        assert_eq!(series.buckets().len(), 2);
    }
}
