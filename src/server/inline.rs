//! Running cheap SPARQL queries on the worker that received them.
//!
//! Handing a query to the blocking pool and its answer back costs two thread
//! wake-ups, more than a label lookup on the store takes. So a query first
//! runs on the worker under a small budget: a watchdog thread cancels it when
//! the budget passes, and the caller runs it again on the blocking pool, where
//! the full time limit applies. A query whose recent runs here took over half
//! the budget on average (an overrun counting as the whole budget) goes
//! straight to the pool, and is tried here again a second later. The average
//! forgives a single overrun: on a busy machine the system takes the core
//! away from a quick query now and then.
//!
//! Oxigraph checks the cancellation token on every quad it reads, but only
//! a query that streams its answer stops there; the caller sends only such
//! lookups here, and on a small store queries that read one pattern's
//! matches once.

use oxigraph::sparql::CancellationToken;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Timings remembered; the list starts over when full.
const TIMINGS_REMEMBERED: usize = 4096;

/// How long work that is slow on average goes straight elsewhere.
const SLOW_FOR: Duration = Duration::from_secs(1);

/// Runs work under a budget on the calling thread; see the module docs.
pub struct Inline {
    watched: Arc<Watched>,
    /// The watchdog; `None` when it could not be started, and nothing runs inline.
    watchdog: Option<Thread>,
    hasher: RandomState,
}

struct Watched {
    budget: Duration,
    running: Mutex<Vec<Running>>,
    next_id: AtomicU64,
    /// Set by the watchdog when it parks with nothing to watch.
    idle: AtomicBool,
    /// Work that took over a quarter of the budget here, by key.
    timings: Mutex<HashMap<u64, Timing>>,
}

struct Timing {
    /// A moving average of the time taken here.
    typical: Duration,
    /// When it last ran here.
    tried: Instant,
}

struct Running {
    id: u64,
    deadline: Instant,
    token: CancellationToken,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Inline {
    /// Work gets `budget` before it is cancelled; a zero budget runs nothing inline.
    pub fn new(budget: Duration) -> Self {
        let watched = Arc::new(Watched {
            budget,
            running: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            idle: AtomicBool::new(false),
            timings: Mutex::new(HashMap::new()),
        });
        let weak = Arc::downgrade(&watched);
        let watchdog = if budget.is_zero() {
            None
        } else {
            thread::Builder::new()
                .name("glossgraph-watchdog".into())
                .spawn(move || watch(&weak))
                .ok()
                .map(|handle| handle.thread().clone())
        };
        Self {
            watched,
            watchdog,
            hasher: RandomState::new(),
        }
    }

    /// Runs `work` here with a token that is cancelled once the budget
    /// passes. `None` when it was, or when work with the same `key` took
    /// over half the budget on average and last ran here less than `SLOW_FOR`
    /// ago: then the caller runs it elsewhere.
    pub fn run<T>(&self, key: &impl Hash, work: impl FnOnce(CancellationToken) -> T) -> Option<T> {
        let watchdog = self.watchdog.as_ref()?;
        let key = self.hasher.hash_one(key);
        let budget = self.watched.budget;
        let timed = match lock(&self.watched.timings).get(&key) {
            Some(t) if t.typical > budget / 2 && t.tried.elapsed() < SLOW_FOR => return None,
            Some(_) => true,
            None => false,
        };
        let started = Instant::now();
        let token = CancellationToken::new();
        let id = self.watched.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.watched.running).push(Running {
            id,
            deadline: started + budget,
            token: token.clone(),
        });
        // Deadlines only grow, so a watchdog waiting for an earlier one needs
        // no wake-up; only an idle one does.
        if self.watched.idle.swap(false, Ordering::AcqRel) {
            watchdog.unpark();
        }
        let finished = Finished {
            watched: &self.watched,
            id,
        };
        let output = work(token.clone());
        drop(finished);
        let cancelled = token.is_cancelled();
        let took = if cancelled {
            budget
        } else {
            started.elapsed().min(budget)
        };
        if timed || took > budget / 4 {
            let mut timings = lock(&self.watched.timings);
            if !timed && timings.len() >= TIMINGS_REMEMBERED {
                timings.clear();
            }
            let now = Instant::now();
            let timing = timings.entry(key).or_insert(Timing {
                // A first run counts half, so that one overrun is forgiven.
                typical: took / 2,
                tried: now,
            });
            if timed {
                timing.typical = (timing.typical * 3 + took) / 4;
                timing.tried = now;
            }
            if timing.typical < budget / 4 {
                timings.remove(&key);
            }
        }
        (!cancelled).then_some(output)
    }
}

impl Drop for Inline {
    fn drop(&mut self) {
        // The watchdog sees that `watched` is gone and ends.
        if let Some(watchdog) = &self.watchdog {
            watchdog.unpark();
        }
    }
}

/// Takes finished (or panicked) work off the watch list.
struct Finished<'a> {
    watched: &'a Watched,
    id: u64,
}

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        lock(&self.watched.running).retain(|r| r.id != self.id);
    }
}

/// The watchdog: cancels work past its deadline, sleeps until the next one,
/// and parks when there is none.
fn watch(watched: &Weak<Watched>) {
    loop {
        let Some(watched) = watched.upgrade() else {
            return;
        };
        let now = Instant::now();
        let next = {
            let running = lock(&watched.running);
            let mut next = None::<Instant>;
            for work in running.iter() {
                if work.deadline <= now {
                    work.token.cancel();
                } else {
                    next = Some(next.map_or(work.deadline, |n| n.min(work.deadline)));
                }
            }
            if next.is_none() {
                watched.idle.store(true, Ordering::Release);
            }
            next
        };
        drop(watched);
        match next {
            Some(deadline) => thread::park_timeout(deadline.saturating_duration_since(now)),
            None => thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Budgets are ten times the 5 ms the server uses, and work is sized in
    // proportion: on a loaded machine (two test binaries on two cores) the
    // system can hold a thread back for tens of milliseconds, and a quick
    // closure then overruns a 20 ms budget.

    /// Spins until cancelled, as a query reading quads would stop.
    fn spin(token: &CancellationToken) -> Duration {
        let started = Instant::now();
        while !token.is_cancelled() {
            std::hint::spin_loop();
        }
        started.elapsed()
    }

    #[test]
    fn quick_work_runs_here() {
        let inline = Inline::new(Duration::from_millis(500));
        for n in 0..100 {
            assert_eq!(inline.run(&n, |_| n * 2), Some(n * 2));
        }
    }

    #[test]
    fn work_past_its_budget_is_cancelled_and_remembered() {
        let inline = Inline::new(Duration::from_millis(200));
        let overrun = |key: &str| {
            let mut ran = false;
            let output = inline.run(&key, |token| {
                ran = true;
                spin(&token)
            });
            assert_eq!(output, None);
            ran
        };
        // The first overrun is forgiven, the second is not.
        assert!(overrun("slow"));
        assert!(overrun("slow"));
        // Now the same work goes elsewhere at once; other work still runs here.
        assert!(!overrun("slow"));
        assert_eq!(inline.run(&"quick", |_| 1), Some(1));
        // A while later it is tried here again, and the idle watchdog wakes
        // to stop it; then it goes elsewhere again.
        thread::sleep(SLOW_FOR);
        assert!(overrun("slow"));
        assert!(!overrun("slow"));
    }

    #[test]
    fn an_overrun_now_and_then_is_forgiven() {
        let inline = Inline::new(Duration::from_millis(200));
        for round in 0..3 {
            assert_eq!(inline.run(&"key", |token| spin(&token)), None);
            for n in 0..3 {
                assert_eq!(inline.run(&"key", |_| n), Some(n), "round {round}");
            }
        }
    }

    #[test]
    fn work_that_takes_most_of_its_budget_goes_elsewhere() {
        let inline = Inline::new(Duration::from_millis(200));
        let mut ran = 0;
        while inline
            .run(&"key", |_| thread::sleep(Duration::from_millis(130)))
            .is_some()
        {
            ran += 1;
            assert!(ran < 10, "still run here after {ran} runs");
        }
        assert!(ran >= 2, "sent elsewhere after {ran} runs");
    }

    #[test]
    fn work_on_several_threads_is_each_cancelled() {
        let inline = Arc::new(Inline::new(Duration::from_millis(300)));
        let threads: Vec<_> = (0..4)
            .map(|n| {
                let inline = Arc::clone(&inline);
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(n * 70));
                    inline.run(&n, |token| spin(&token))
                })
            })
            .collect();
        for thread in threads {
            let spun = thread.join().unwrap();
            assert_eq!(spun, None);
        }
    }

    #[test]
    fn a_zero_budget_runs_nothing_here() {
        let inline = Inline::new(Duration::ZERO);
        assert_eq!(inline.run(&1, |_| 1), None);
    }
}
