// Package vocab is the pool's reference data, which needs nothing from the
// database: the languages a supervisor can speak, the days the pool is closed,
// and the Swedish and English words for every code, month and weekday. It
// imports nothing from booking, so every package can use it.
package vocab
