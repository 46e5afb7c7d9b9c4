//! Requests by route and status, and their latency, counted by each thread
//! in a shard of its own and summed when scraped.
//!
//! `serve` answers a request on the worker thread that accepted it, and
//! counters the workers share made every request pass cache lines between
//! cores (a lock word, a counter, a histogram's lock, the route's reference
//! count): half a microsecond of a concept page's 21 µs of CPU on two cores.
//! A thread's own shard costs a lookup in a map of its own and a lock no
//! other thread takes but a scrape.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

/// Latency buckets (seconds): a page from memory takes tens of microseconds,
/// a SPARQL query up to its time limit (10 s by default).
const LATENCY_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// The counts of one server, in one shard per thread that answered.
#[derive(Debug, Default)]
pub struct RequestCounts {
    shards: Arc<Mutex<Vec<Arc<Mutex<Shard>>>>>,
}

#[derive(Debug, Default)]
struct Shard {
    routes: Vec<RouteCounts>,
}

#[derive(Debug, Clone)]
struct RouteCounts {
    statuses: Vec<(u16, u64)>,
    /// Observations by bucket, not cumulative; the last is above every bound.
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    sum: f64,
    count: u64,
    route: Box<str>,
}

impl RouteCounts {
    fn new(route: &str) -> Self {
        Self {
            statuses: Vec::new(),
            buckets: [0; LATENCY_BUCKETS.len() + 1],
            sum: 0.0,
            count: 0,
            route: route.into(),
        }
    }

    fn add(&mut self, other: &RouteCounts) {
        for &(status, n) in &other.statuses {
            *self.status(status) += n;
        }
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            *mine += theirs;
        }
        self.sum += other.sum;
        self.count += other.count;
    }

    fn status(&mut self, status: u16) -> &mut u64 {
        // A route answers with a handful of statuses.
        let i = match self.statuses.iter().position(|(s, _)| *s == status) {
            Some(i) => i,
            None => {
                self.statuses.push((status, 0));
                self.statuses.len() - 1
            }
        };
        &mut self.statuses[i].1
    }
}

/// Where a request is counted: its route's place in the shard of the thread
/// that began to answer it (a task moved to another thread still counts
/// there, correctly if not as cheaply).
pub struct Slot {
    shard: Arc<Mutex<Shard>>,
    index: usize,
}

/// A thread's shard of one server's counts, and where its routes are in it.
struct Local {
    owner: Weak<Mutex<Vec<Arc<Mutex<Shard>>>>>,
    shard: Arc<Mutex<Shard>>,
    /// Route patterns, which the router's table bounds and clients do not
    /// choose: a fast hash is safe.
    slots: FxHashMap<Box<str>, usize>,
}

thread_local! {
    /// One entry per server this thread answers for: one in `serve`, more in tests.
    static LOCAL: RefCell<Vec<Local>> = const { RefCell::new(Vec::new()) };
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RequestCounts {
    /// Where a request that matched `route` is counted.
    pub fn slot(&self, route: &str) -> Slot {
        LOCAL.with_borrow_mut(|locals| {
            let mine = |l: &Local| std::ptr::eq(l.owner.as_ptr(), Arc::as_ptr(&self.shards));
            let at = match locals.iter().position(mine) {
                Some(at) => at,
                None => {
                    // Forget servers that are gone.
                    locals.retain(|l| l.owner.strong_count() > 0);
                    let shard = Arc::new(Mutex::new(Shard::default()));
                    lock(&self.shards).push(shard.clone());
                    locals.push(Local {
                        owner: Arc::downgrade(&self.shards),
                        shard,
                        slots: FxHashMap::default(),
                    });
                    locals.len() - 1
                }
            };
            let local = &mut locals[at];
            let index = match local.slots.get(route) {
                Some(&index) => index,
                None => {
                    let mut shard = lock(&local.shard);
                    shard.routes.push(RouteCounts::new(route));
                    let index = shard.routes.len() - 1;
                    local.slots.insert(route.into(), index);
                    index
                }
            };
            Slot {
                shard: local.shard.clone(),
                index,
            }
        })
    }

    /// Every shard summed, by route.
    fn summed(&self) -> BTreeMap<Box<str>, RouteCounts> {
        let shards: Vec<_> = lock(&self.shards).clone();
        let mut all: BTreeMap<Box<str>, RouteCounts> = BTreeMap::new();
        for shard in shards {
            for counts in &lock(&shard).routes {
                all.entry(counts.route.clone())
                    .or_insert_with(|| RouteCounts::new(&counts.route))
                    .add(counts);
            }
        }
        all
    }
}

impl Slot {
    /// A request answered with `status` after `took`.
    pub fn record(self, status: u16, took: Duration) {
        let seconds = took.as_secs_f64();
        let bucket = LATENCY_BUCKETS.partition_point(|&bound| bound < seconds);
        let mut shard = lock(&self.shard);
        let counts = &mut shard.routes[self.index];
        *counts.status(status) += 1;
        counts.buckets[bucket] += 1;
        counts.sum += seconds;
        counts.count += 1;
    }
}

impl Collector for RequestCounts {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let all = self.summed();
        let mut requests = encoder.encode_descriptor(
            "glossgraph_http_requests",
            "HTTP requests answered, by route pattern and status code.",
            None,
            MetricType::Counter,
        )?;
        for (route, counts) in &all {
            let mut statuses = counts.statuses.clone();
            statuses.sort_unstable();
            for (status, n) in statuses {
                let labels = ([("route", &**route)], [("status", status)]);
                ConstCounter::new(n).encode(requests.encode_family(&labels)?)?;
            }
        }
        let mut latency = encoder.encode_descriptor(
            "glossgraph_http_request_duration_seconds",
            "Time from a request read to its answer's head, by route pattern.",
            None,
            MetricType::Histogram,
        )?;
        for (route, counts) in &all {
            let buckets: Vec<(f64, u64)> = LATENCY_BUCKETS
                .iter()
                .copied()
                .chain([f64::INFINITY])
                .zip(counts.buckets)
                .collect();
            latency
                .encode_family(&[("route", &**route)])?
                .encode_histogram::<NoLabelSet>(counts.sum, counts.count, &buckets, None)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_of_several_threads_are_summed() {
        let counts = Arc::new(RequestCounts::default());
        let ms = Duration::from_millis(1);
        counts.slot("/concept/{file}").record(200, ms);
        let other = counts.clone();
        std::thread::spawn(move || {
            other
                .slot("/concept/{file}")
                .record(200, Duration::from_secs(20));
            other.slot("/concept/{file}").record(404, ms);
        })
        .join()
        .unwrap();
        let all = counts.summed();
        let concept = &all["/concept/{file}"];
        assert_eq!(concept.count, 3);
        let mut statuses = concept.statuses.clone();
        statuses.sort_unstable();
        assert_eq!(statuses, [(200, 2), (404, 1)]);
        // 1 ms is in the bucket up to 1 ms; 20 s above every bound.
        assert_eq!(concept.buckets[3], 2);
        assert_eq!(concept.buckets[LATENCY_BUCKETS.len()], 1);
    }

    #[test]
    fn a_thread_keeps_the_counts_of_each_server_apart() {
        let (a, b) = (RequestCounts::default(), RequestCounts::default());
        a.slot("/x").record(200, Duration::ZERO);
        b.slot("/y").record(200, Duration::ZERO);
        drop(b);
        let c = RequestCounts::default();
        c.slot("/x").record(500, Duration::ZERO);
        assert_eq!(a.summed()["/x"].statuses, [(200, 1)]);
        assert_eq!(c.summed()["/x"].statuses, [(500, 1)]);
        assert!(!a.summed().contains_key("/y"));
        LOCAL.with_borrow(|locals| assert_eq!(locals.len(), 2, "the dropped server is forgotten"));
    }
}
