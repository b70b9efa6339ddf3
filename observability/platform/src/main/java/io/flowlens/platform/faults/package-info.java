/**
 * Opt-in fault injection, switched at run time through /admin/faults.
 */
package io.flowlens.platform.faults;
