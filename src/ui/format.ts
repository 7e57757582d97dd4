// How times are written to the user: the local clock, hours and minutes (util/clock.ts, where
// the error table's sentences find it too). Pure.
export { clockTime } from '../util/clock';
