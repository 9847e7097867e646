//! Work spread over threads (`reclint check --jobs N`). Results keep the order
//! of the inputs, so the output is byte-identical for every N.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of threads to use when the user did not say: the cores there are.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `items.map(work)`, on up to `jobs` threads, in the order of `items`.
/// Threads take the next item when they finish one, so a few large items
/// (one big PBX) do not leave the other threads waiting on a fixed share.
pub fn map<T, R, F>(items: Vec<T>, jobs: usize, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let jobs = jobs.min(items.len());
    if jobs <= 1 {
        return items.into_iter().map(work).collect();
    }
    let count = items.len();
    // Each slot is taken once, by the thread that claimed its index.
    let inputs: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let outputs: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        break;
                    }
                    let item = take(&inputs[index]);
                    let result = work(item);
                    *lock(&outputs[index]) = Some(result);
                }
            });
        }
    });
    outputs.into_iter().map(|slot| take(&slot)).collect()
}

fn lock<V>(slot: &Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    // A panic in `work` propagates out of `thread::scope`; a poisoned slot is
    // never read after that, so its data is still sound to take.
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn take<V>(slot: &Mutex<Option<V>>) -> V {
    lock(slot)
        .take()
        .expect("every index is claimed by exactly one thread and filled before the scope ends")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_for_any_number_of_jobs() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for jobs in [1, 2, 3, 8, 2000] {
            assert_eq!(
                map(items.clone(), jobs, |n| n * n),
                expected,
                "jobs = {jobs}"
            );
        }
        assert!(map(Vec::<u8>::new(), 4, |n| n).is_empty());
    }
}
