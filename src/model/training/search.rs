//! Plan search (filled in below).
