//! Work spread over threads (`reclint check --jobs N`). Results keep the order
//! of the inputs, so the output is byte-identical for every N.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The number of threads to use when the user did not say: the cores there are.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `items.map(work)`, on up to `jobs` threads, in the order of `items`.
/// Threads take the next item when they finish one, so a few large items
/// (one big PBX) do not leave the other threads waiting on a fixed share.
/// Not [`for_each_in_order`] collecting: nothing here waits for a result,
/// where waking a consumer per batch cost discovery 2,000 more thread
/// switches and a few percent of the run.
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

/// `for item in items { consume(work(item)) }`, with `work` on up to `jobs`
/// threads and `consume` on the calling thread, in the order of `items`,
/// while later items are worked on (the consumer wakes for a few results at
/// a time): a unit joins the run while later units are analysed, a report
/// is written while later findings are serialised. No thread starts the
/// item `ahead` places after the one
/// `consume` waits for: a bound on the results held, and on how long one
/// slow item can keep the others waiting (`usize::MAX`: none).
pub fn for_each_in_order<T, R, F, C>(
    items: Vec<T>,
    jobs: usize,
    ahead: usize,
    work: F,
    mut consume: C,
) where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
    C: FnMut(R),
{
    let jobs = jobs.min(items.len());
    if jobs <= 1 {
        items.into_iter().for_each(|item| consume(work(item)));
        return;
    }
    let (count, ahead) = (items.len(), ahead.max(1));
    // The consumer sleeps until a few results are there, not each one: it
    // takes them all when it wakes. Fewer than `ahead`, or the threads
    // could never make them.
    let batch = (ahead / 2).clamp(1, 16);
    let inputs: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let outputs: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let progress = Mutex::new(Progress::default());
    // Each side is woken only when what it waits for is there: a wakeup
    // per result for both would switch threads tens of thousands of times.
    let signals = Signals::default();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                // A panicking `work` wakes the consumer, which stops waiting
                // for its result; the scope then passes the panic on.
                let mut failed = Failed {
                    progress: &progress,
                    signals: &signals,
                    armed: true,
                };
                loop {
                    let index = {
                        let mut state = lock(&progress);
                        while !state.failed
                            && state.claimed < count
                            && state.claimed - state.consumed >= ahead
                        {
                            state.waiting_for_room += 1;
                            state = wait(&signals.room, state);
                            state.waiting_for_room -= 1;
                        }
                        if state.claimed >= count || state.failed {
                            break;
                        }
                        state.claimed += 1;
                        state.claimed - 1
                    };
                    let result = work(take(&inputs[index]));
                    *lock(&outputs[index]) = Some(result);
                    // Under the lock the consumer checks the slot under, so
                    // a consumer about to wait for this slot is not missed.
                    if lock(&progress).awaited == Some(index) {
                        signals.ready.notify_one();
                    }
                }
                failed.armed = false;
            });
        }
        // A panicking `consume` releases the workers waiting for room.
        let mut failed = Failed {
            progress: &progress,
            signals: &signals,
            armed: true,
        };
        for (index, output) in outputs.iter().enumerate() {
            let mut state = lock(&progress);
            // The last of a batch first; then this one, if it is slower.
            let mut awaited = (index + batch - 1).min(count - 1);
            let result = loop {
                if let Some(result) = lock(output).take() {
                    break result;
                }
                if state.failed {
                    return;
                }
                if lock(&outputs[awaited]).is_some() {
                    awaited = index;
                }
                state.awaited = Some(awaited);
                state = wait(&signals.ready, state);
            };
            state.awaited = None;
            state.consumed += 1;
            if state.waiting_for_room > 0 {
                signals.room.notify_all();
            }
            drop(state);
            consume(result);
        }
        failed.armed = false;
    });
}

/// How far `for_each_in_order` has come.
#[derive(Default)]
struct Progress {
    claimed: usize,
    consumed: usize,
    /// The result the consumer sleeps until it is there.
    awaited: Option<usize>,
    /// Threads asleep until the consumer makes room.
    waiting_for_room: usize,
    failed: bool,
}

/// What `for_each_in_order`'s threads sleep on.
#[derive(Default)]
struct Signals {
    /// The awaited result is there (or the run failed).
    ready: Condvar,
    /// The consumer took a result (or the run failed).
    room: Condvar,
}

/// Marks the run failed when a worker or the consumer unwinds.
struct Failed<'a> {
    progress: &'a Mutex<Progress>,
    signals: &'a Signals,
    armed: bool,
}

impl Drop for Failed<'_> {
    fn drop(&mut self) {
        if self.armed {
            lock(self.progress).failed = true;
            self.signals.ready.notify_all();
            self.signals.room.notify_all();
        }
    }
}

fn wait<'a, V>(changed: &Condvar, guard: MutexGuard<'a, V>) -> MutexGuard<'a, V> {
    changed
        .wait(guard)
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock<V>(slot: &Mutex<V>) -> MutexGuard<'_, V> {
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

    #[test]
    fn results_are_consumed_in_the_input_order_for_any_number_of_jobs() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for (jobs, ahead) in [(1, 1), (2, 1), (3, 4), (8, 32), (2000, usize::MAX)] {
            let mut consumed = Vec::new();
            // Uneven work, so that results finish out of order.
            for_each_in_order(
                items.clone(),
                jobs,
                ahead,
                |n| {
                    if n % 7 == 0 {
                        std::thread::yield_now();
                    }
                    n * n
                },
                |r| consumed.push(r),
            );
            assert_eq!(consumed, expected, "jobs = {jobs}, ahead = {ahead}");
        }
    }

    #[test]
    fn a_panic_in_the_work_or_the_consumer_reaches_the_caller() {
        let work_fails = std::panic::catch_unwind(|| {
            for_each_in_order(
                (0..100).collect(),
                2,
                4,
                |n: u32| {
                    assert!(n != 50, "work failed");
                    n
                },
                |_| {},
            );
        });
        assert!(work_fails.is_err());
        let consumer_fails = std::panic::catch_unwind(|| {
            for_each_in_order((0..100).collect(), 2, 4, |n: u32| n, |n| assert!(n != 3));
        });
        assert!(consumer_fails.is_err());
    }
}
