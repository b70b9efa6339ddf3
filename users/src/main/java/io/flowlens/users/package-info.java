/** The users service: registers users and looks them up, implementing the generated {@code UsersApi}. */
package io.flowlens.users;
