/** The orders service: orders for existing users and their lifecycle, implementing the generated OrdersApi. */
package io.flowlens.orders;
