//! The wait queue: one FIFO per priority, highest first, so that queueing a
//! job costs the same whatever the queue's length (a queue-flooding trace of
//! millions of jobs once made every arrival scan the whole queue).

use std::collections::VecDeque;

/// Jobs waiting to start, in scheduling order: by priority (highest first),
/// then by arrival, with interrupted jobs at the front of their priority.
#[derive(Debug, Default)]
pub(super) struct Waiting {
    /// (priority, its jobs), highest priority first.
    classes: Vec<(u8, VecDeque<u32>)>,
    len: usize,
}

impl Waiting {
    /// Queues `j` of priority `p`: last of its priority, or first if `front`.
    pub(super) fn push(&mut self, j: u32, p: u8, front: bool) {
        let at = match self.classes.binary_search_by(|(q, _)| p.cmp(q)) {
            Ok(i) => i,
            Err(i) => {
                self.classes.insert(i, (p, VecDeque::new()));
                i
            }
        };
        let q = &mut self.classes[at].1;
        if front {
            q.push_front(j)
        } else {
            q.push_back(j)
        }
        self.len += 1;
    }

    /// Jobs waiting.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The next job to schedule.
    pub(super) fn front(&self) -> Option<u32> {
        self.classes.iter().find_map(|(_, q)| q.front().copied())
    }

    /// The `i`-th job in scheduling order (`i < len`).
    pub(super) fn get(&self, mut i: usize) -> Option<u32> {
        for (_, q) in &self.classes {
            if i < q.len() {
                return q.get(i).copied();
            }
            i -= q.len();
        }
        None
    }

    /// Jobs in scheduling order.
    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.classes.iter().flat_map(|(_, q)| q.iter().copied())
    }

    /// Removes the `i`-th job in scheduling order (near the front: cheap).
    pub(super) fn remove(&mut self, mut i: usize) -> Option<u32> {
        for (_, q) in &mut self.classes {
            if i < q.len() {
                self.len -= 1;
                return q.remove(i);
            }
            i -= q.len();
        }
        None
    }

    /// Removes job `j` of priority `p`, searching its priority from the front.
    pub(super) fn remove_job(&mut self, j: u32, p: u8) -> bool {
        let Some((_, q)) = self.classes.iter_mut().find(|(q, _)| *q == p) else { return false };
        match q.iter().position(|&w| w == j) {
            Some(i) => {
                q.remove(i);
                self.len -= 1;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_priority_then_arrival_with_interrupted_jobs_first() {
        let mut w = Waiting::default();
        w.push(1, 0, false);
        w.push(2, 1, false);
        w.push(3, 0, false);
        w.push(4, 0, true);
        w.push(5, 1, true);
        assert_eq!(w.iter().collect::<Vec<_>>(), vec![5, 2, 4, 1, 3]);
        assert_eq!((w.len(), w.front(), w.get(3)), (5, Some(5), Some(1)));
        assert_eq!(w.remove(1), Some(2));
        assert!(w.remove_job(1, 0) && !w.remove_job(1, 0));
        assert_eq!(w.iter().collect::<Vec<_>>(), vec![5, 4, 3]);
        assert_eq!(w.len(), 3);
    }
}
