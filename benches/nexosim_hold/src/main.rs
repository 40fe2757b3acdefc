//! Hold model on NeXosim 1.0 (single-threaded executor): `pending` events are
//! outstanding; each one, when it fires, schedules the next after an
//! exponential delay. Same model as `cargo bench --bench engine`.

use std::time::{Duration, Instant};

use nexosim::model::{Context, Model, schedulable};
use nexosim::simulation::{Mailbox, SimInit};
use nexosim::time::MonotonicTime;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Hold {
    pending: u32,
    rng: u64,
}

#[Model]
impl Hold {
    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>) {
        for _ in 0..self.pending {
            let d = self.delay();
            cx.schedule_event(d, schedulable!(Self::fire), ()).unwrap();
        }
    }

    #[nexosim(schedulable)]
    async fn fire(&mut self, _: (), cx: &Context<Self>) {
        let d = self.delay();
        cx.schedule_event(d, schedulable!(Self::fire), ()).unwrap();
    }
}

impl Hold {
    /// Exponential delay with a mean of 1 ms (xorshift64*), at least 1 ns.
    fn delay(&mut self) -> Duration {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let u = (self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        let ns = -(1.0 - u).ln() * 1e6;
        Duration::from_nanos(ns.max(1.0) as u64)
    }
}

fn main() {
    for pending in [1_000u32, 100_000] {
        let hold = Hold { pending, rng: 0x9E37_79B9_7F4A_7C15 };
        let mbox = Mailbox::new();
        let mut simu =
            SimInit::with_num_threads(1).add_model(hold, mbox, "hold").init(MonotonicTime::EPOCH).unwrap();
        for _ in 0..100_000 {
            simu.step().unwrap();
        }
        let steps = 1_000_000u32;
        let t = Instant::now();
        for _ in 0..steps {
            simu.step().unwrap();
        }
        let s = t.elapsed().as_secs_f64();
        println!("{pending} pending: {:.3} M events/s", f64::from(steps) / s / 1e6);
    }
}
