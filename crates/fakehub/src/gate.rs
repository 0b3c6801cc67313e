//! Holding answers back until a test says so, so tests order events by what happened rather
//! than by how long things took: round trips are counted in waves (every request arrives
//! and is held; the test releases the wave once the client can send nothing more), and a
//! `Delay` fault can be ended by the test as soon as it has seen what it needed.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    /// Whether arriving requests wait for [`Gate::release`].
    holding: bool,
    /// Bumped by every release: a request waits while the wave it arrived in is current.
    wave: u64,
    /// Requests that arrived in the current wave and wait.
    held: usize,
    /// Bumped by [`Gate::end_delays`]: a delay that started before ends at once.
    delays_ended: u64,
}

/// The hold shared by every connection thread.
#[derive(Default)]
pub(crate) struct Gate {
    state: Mutex<State>,
    changed: Condvar,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called by every API request once it arrived: waits for the release of its wave while
    /// answers are held; returns at once otherwise.
    pub(crate) fn pass(&self) {
        let mut state = self.lock();
        if !state.holding {
            return;
        }
        state.held += 1;
        let wave = state.wave;
        while state.holding && state.wave == wave {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Starts or stops holding answers; stopping releases everything held.
    pub(crate) fn set_holding(&self, holding: bool) {
        let mut state = self.lock();
        state.holding = holding;
        if !holding {
            state.wave += 1;
            state.held = 0;
        }
        self.changed.notify_all();
    }

    /// How many requests of the current wave are held.
    pub(crate) fn held(&self) -> usize {
        self.lock().held
    }

    /// Answers every held request; later arrivals are held again (the next wave). Returns
    /// how many were released.
    pub(crate) fn release(&self) -> usize {
        let mut state = self.lock();
        let released = state.held;
        state.wave += 1;
        state.held = 0;
        self.changed.notify_all();
        released
    }

    /// Waits `duration`, or until [`Gate::end_delays`].
    pub(crate) fn delay(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        let mut state = self.lock();
        let ended = state.delays_ended;
        while state.delays_ended == ended {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Ends every `Delay` fault now under way.
    pub(crate) fn end_delays(&self) {
        self.lock().delays_ended += 1;
        self.changed.notify_all();
    }
}
