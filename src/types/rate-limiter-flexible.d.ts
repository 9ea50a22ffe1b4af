/*
 * rate-limiter-flexible declares RateLimiterStoreAbstract (the base class of its database stores,
 * meant for custom stores) in its types but does not re-export it from its index: it is reached
 * by its file. This gives that file the declared type.
 */
declare module 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js' {
  import { RateLimiterStoreAbstract } from 'rate-limiter-flexible';
  export default RateLimiterStoreAbstract;
}
