//! The languages Polku speaks (defined with the wire types, which carry
//! them to the browser).

pub use polku_types::Language;
