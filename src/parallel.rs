//! Work spread over the machine's cores, for the per-entry stages of a build.
//!
//! Layer: a leaf.

use std::thread;

/// Below this many items a thread costs more than it saves.
const MIN_PER_THREAD: usize = 64;

/// `items.iter().map(f).collect()`, on up to one thread per core, each taking a
/// contiguous share; the results keep the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / MIN_PER_THREAD)
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let share = items.len().div_ceil(threads);
    let f = &f;
    thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(share)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for worker in workers {
            match worker.join() {
                Ok(part) => out.extend(part),
                // A worker's panic is the caller's: re-raise it unchanged.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// `items.iter().map(f).collect()`, one thread an item: for a few large
/// items (the parts of a file to compress), where [`map`] would keep them on
/// one thread.
pub fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    thread::scope(|scope| {
        let workers: Vec<_> = items
            .iter()
            .map(|item| scope.spawn(move || f(item)))
            .collect();
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_covers_every_item() {
        for n in [0, 1, 63, 64, 65, 129, 1000, 1001] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                map(&items, |i| i * 2),
                items.iter().map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }
}
