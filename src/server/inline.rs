//! Running cheap SPARQL queries on the worker that received them.
//!
//! Handing a query to the blocking pool and its answer back costs two thread
//! wake-ups, more than a label lookup on the store takes. So a query first
//! runs on the worker under a small budget: a watchdog thread cancels it when
//! the budget passes, and the caller runs it again on the blocking pool, where
//! the full time limit applies. A query that ran out twice in a row goes
//! straight to the pool for a second, then is tried here again. One overrun
//! is not enough: on a busy machine the system takes the core away from a
//! quick query now and then.
//!
//! Oxigraph checks the cancellation token on every quad it reads, so a query
//! stops within the budget unless it makes rows without reading the store
//! (`VALUES`); the caller keeps those off the worker.

use oxigraph::sparql::CancellationToken;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Overruns remembered; the list starts over when full.
const OVERRUNS_REMEMBERED: usize = 4096;

/// Overruns in a row that make work go straight elsewhere ...
const STRIKES: u32 = 2;

/// ... for this long.
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
    overruns: Mutex<HashMap<u64, Overruns>>,
}

/// Work that ran out of its budget the last time it ran here.
struct Overruns {
    in_a_row: u32,
    last: Instant,
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
            overruns: Mutex::new(HashMap::new()),
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
    /// passes. `None` when it was, or when work with the same `key` has run
    /// out `STRIKES` times in a row, the last less than `SLOW_FOR` ago: then
    /// the caller runs it elsewhere.
    pub fn run<T>(&self, key: &impl Hash, work: impl FnOnce(CancellationToken) -> T) -> Option<T> {
        let watchdog = self.watchdog.as_ref()?;
        let key = self.hasher.hash_one(key);
        let overran = match lock(&self.watched.overruns).get(&key) {
            Some(o) if o.in_a_row >= STRIKES && o.last.elapsed() < SLOW_FOR => return None,
            Some(_) => true,
            None => false,
        };
        let token = CancellationToken::new();
        let id = self.watched.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.watched.running).push(Running {
            id,
            deadline: Instant::now() + self.watched.budget,
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
        if token.is_cancelled() {
            let mut overruns = lock(&self.watched.overruns);
            if overruns.len() >= OVERRUNS_REMEMBERED {
                overruns.clear();
            }
            let o = overruns.entry(key).or_insert(Overruns {
                in_a_row: 0,
                last: Instant::now(),
            });
            o.in_a_row = o.in_a_row.saturating_add(1);
            o.last = Instant::now();
            return None;
        }
        if overran {
            lock(&self.watched.overruns).remove(&key);
        }
        Some(output)
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
        let inline = Inline::new(Duration::from_millis(50));
        for n in 0..100 {
            assert_eq!(inline.run(&n, |_| n * 2), Some(n * 2));
        }
    }

    #[test]
    fn work_past_its_budget_is_cancelled_and_remembered() {
        let inline = Inline::new(Duration::from_millis(20));
        let overrun = |key: &str| {
            let mut ran = false;
            let output = inline.run(&key, |token| {
                ran = true;
                spin(&token)
            });
            assert_eq!(output, None);
            ran
        };
        for _ in 0..STRIKES {
            assert!(overrun("slow"));
        }
        // Now the same work goes elsewhere at once; other work still runs here.
        assert!(!overrun("slow"));
        assert_eq!(inline.run(&"quick", |_| 1), Some(1));
        // A while later it is tried here again, and the idle watchdog wakes
        // to stop it; one more overrun sends it elsewhere again.
        thread::sleep(SLOW_FOR);
        assert!(overrun("slow"));
        assert!(!overrun("slow"));
    }

    #[test]
    fn one_overrun_is_forgiven_when_the_next_run_is_quick() {
        let inline = Inline::new(Duration::from_millis(20));
        assert_eq!(inline.run(&"key", |token| spin(&token)), None);
        assert_eq!(inline.run(&"key", |_| 1), Some(1));
        assert_eq!(inline.run(&"key", |token| spin(&token)), None);
        assert_eq!(inline.run(&"key", |_| 2), Some(2));
    }

    #[test]
    fn work_on_several_threads_is_each_cancelled() {
        let inline = Arc::new(Inline::new(Duration::from_millis(30)));
        let threads: Vec<_> = (0..4)
            .map(|n| {
                let inline = Arc::clone(&inline);
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(n * 7));
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
