//! A push's progress on a terminal: graphs done, bytes sent, rate and time
//! left, rewritten in place a few times a second. Off a terminal nothing is
//! shown; the command's summary line says what was done.

use std::io::Write;
use std::time::{Duration, Instant};

pub struct Progress {
    shown: bool,
    graphs: usize,
    done: usize,
    triples: usize,
    triples_done: usize,
    bytes: u64,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    pub fn new(shown: bool, graphs: usize, triples: usize) -> Self {
        Self {
            shown,
            graphs,
            done: 0,
            triples,
            triples_done: 0,
            bytes: 0,
            started: Instant::now(),
            drawn: None,
        }
    }

    /// One more graph done, of `triples` triples; `bytes` sent so far.
    pub fn done(&mut self, triples: usize, bytes: u64) {
        self.done += 1;
        self.triples_done += triples;
        self.bytes = bytes;
        if self.shown
            && self
                .drawn
                .is_none_or(|at| at.elapsed() > Duration::from_millis(200))
        {
            self.draw();
            self.drawn = Some(Instant::now());
        }
    }

    fn draw(&self) {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = self.bytes as f64 / seconds;
        let share = if self.triples == 0 {
            self.done as f64 / self.graphs.max(1) as f64
        } else {
            self.triples_done as f64 / self.triples as f64
        };
        let left = if share > 0.0 {
            format!("{:.0} s left", seconds * (1.0 - share) / share)
        } else {
            String::new()
        };
        let _ = write!(
            std::io::stderr().lock(),
            "\r\x1b[Kglossgraph: pushing: {}/{} graph(s), {}, {}/s, {left}",
            self.done,
            self.graphs,
            size(self.bytes as f64),
            size(rate),
        );
    }

    /// Clears the line.
    pub fn finish(&self) {
        if self.shown && self.drawn.is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// `1.4 MB`, `320 kB`, `12 B`.
pub fn size(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.0} kB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
    }
}
