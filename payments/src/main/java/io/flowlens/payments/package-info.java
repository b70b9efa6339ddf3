/** The payments service: authorizes or declines payments by documented rules, implementing the generated PaymentsApi. */
package io.flowlens.payments;
