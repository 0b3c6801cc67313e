//! Observing many repositories is latency-bound, so run up to N requests at once with scoped
//! threads (no runtime, no 'static bounds). N stays small (default 8) to respect GitHub's
//! secondary limits on concurrency.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Default number of requests in flight for [`fan_out`].
pub const DEFAULT_FAN_OUT: usize = 8;

/// Applies `f` to every item with at most `max_in_flight` calls running at once (0 is treated
/// as 1). Results come back in input order. A panic in `f` propagates to the caller.
pub fn fan_out<T: Sync, R: Send>(
    items: &[T],
    max_in_flight: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = max_in_flight.max(1).min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut indexed: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        done.push((index, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    });
    indexed.sort_by_key(|(index, _)| *index);
    indexed.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Mutex;

    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            fan_out(&items, 8, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert_eq!(fan_out(&items, 0, |x| *x), items);
        assert!(fan_out(&Vec::<u32>::new(), 8, |x| *x).is_empty());
    }

    #[test]
    fn never_exceeds_the_bound() {
        let in_flight = AtomicUsize::new(0);
        let peak = Mutex::new(0usize);
        let items: Vec<u32> = (0..64).collect();
        fan_out(&items, 3, |_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            {
                let mut peak = peak.lock().unwrap();
                *peak = (*peak).max(now);
            }
            std::thread::yield_now();
            in_flight.fetch_sub(1, Ordering::SeqCst);
        });
        let peak = *peak.lock().unwrap();
        assert!((1..=3).contains(&peak), "peak {peak}");
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn panics_propagate() {
        let items = [1, 2, 3];
        fan_out(&items, 2, |x| {
            if *x == 2 {
                panic!("boom");
            }
        });
    }
}
