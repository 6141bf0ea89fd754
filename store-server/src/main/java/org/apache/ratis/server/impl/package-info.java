/**
 * Not Strata's package but Ratis's: {@link org.apache.ratis.server.impl.LearnerFixes} sits here to
 * reach member state that Ratis 3.2.2 keeps package-private. Nothing else goes here.
 */
package org.apache.ratis.server.impl;
