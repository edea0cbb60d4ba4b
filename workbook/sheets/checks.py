"""The Checks sheet: the input rules the CEO_* functions enforce, the deal's rules, and errors."""

from __future__ import annotations

from workbook.kit.shape import (
    NOT_JUDGED,
)
from workbook.kit.spec import (
    Check,
    CheckGroup,
    Label,
)


def _rule(condition: str) -> str:
    """A check that is 1 when ``condition`` holds, written in built-in functions only (the same in both flavours)."""
    return f"=IF({condition},1,0)"


def _judged(condition: str) -> str:
    """A check on calculated line items: not judged (n/a) while they show an error, which CheckErrors names."""
    return f'IF(ISERROR({condition}),"{NOT_JUDGED}",IF({condition},1,0))'


def _result(condition: str) -> str:
    """A check of the deal's results: judged only once every input rule holds, else n/a (not judged).

    With a broken input rule the udf flavour's functions refuse the calculation (an error value) while the
    native flavour computes something from the same inputs; neither is a result to judge, so neither
    flavour judges it and the failing input rule is the reason shown."""
    return f'=IF(SUM(InputRules)>0,"{NOT_JUDGED}",{_judged(condition)})'


def _schedule_contiguous() -> str:
    """First From 0 (and present), each From the previous To, no empty row between tiers: as Schedule.from_rows.

    The tiers after the first and before the last are ``INDEX(name,2):INDEX(name,ROWS(name))`` and
    ``INDEX(name,1):INDEX(name,ROWS(name)-1)``, not fixed ranges: a row inserted into the schedule grows both."""
    starts = '({first:ScheduleFrom}="")+({first:ScheduleFrom}<>0)'
    follows = 'SUMPRODUCT(({after:ScheduleFrom}<>"")*({after:ScheduleFrom}<>{before:ScheduleTo}))'
    empty_before = '({before:ScheduleFrom}="")*({before:ScheduleTo}="")*({before:ScheduleRate}="")'
    filled_after = '((({after:ScheduleFrom}<>"")+({after:ScheduleTo}<>"")+({after:ScheduleRate}<>""))>0)'
    return _rule(f"{starts}+IF(ROWS(ScheduleFrom)<2,0,{follows}+SUMPRODUCT({empty_before}*{filled_after}))>0")


# cells of the ledger that are not numbers (it copies an empty placement cell as 0): text typed in the
# Placements table. (COUNTIF(range,"?*") would be shorter, but LibreOffice's wildcards match numbers too.)
PLACEMENT_TEXT = (
    "ROWS(LedgerDates)-COUNT(LedgerDates)+ROWS(LedgerShares)-COUNT(LedgerShares)+ROWS(LedgerPrices)-COUNT(LedgerPrices)"
)


def checks() -> tuple:
    """The Checks sheet: the input rules the CEO_* functions enforce, the deal's rules, and errors.

    Every formula is built-in functions only and the same in both flavours. The input rules are what the
    functions the udf flavour calls refuse (``model``'s documented raises for the arguments the workbook
    passes), so a broken input fails the same named rule in both flavours; the deal's rules are judged
    only when the inputs are valid; the last check names an error value no rule explains.
    """
    rules = CheckGroup(
        "InputRules",
        "Inputs the calculations accept (the rules the CEO_* functions enforce)",
        (
            Check("CheckInputs", "Every input within its Min/Max and of its type", _rule("SUM(InputFlags)>0")),
            Check(
                "CheckScheduleContiguous",
                "Commission schedule contiguous from 0 (first From 0, each From the previous To, no empty row)",
                _schedule_contiguous(),
            ),
            Check(
                "CheckScheduleOrder",
                "Commission schedule: each tier's To above its From",
                _rule('SUMPRODUCT((((ScheduleFrom<>"")+(ScheduleTo<>""))>0)*(ScheduleTo<=ScheduleFrom))>0'),
            ),
            Check(
                "CheckScheduleRates",
                "Commission rates between 0 and 1 (none to all of the gross)",
                _rule('SUMPRODUCT((ScheduleRate<>"")*((ScheduleRate<0)+(ScheduleRate>1)))>0'),
            ),
            Check("CheckPlacementRows", "Every placement row complete", _rule("SUM(LedgerIncomplete)>0")),
            Check(
                "CheckPlacementsInLedger",
                "Every placement of the table within the ledger (refresh to lengthen it)",
                _rule("COUNT(PlacementDates,PlacementShares,PlacementPrices)>SUM(LedgerFilled)"),
            ),
            Check(
                "CheckPlacementsBelow",
                "Nothing typed below the Placements table (insert rows inside it)",
                _rule("COUNTA(PlacementsBelow)>0"),
            ),
            Check(
                "CheckPlacementNumbers",
                "Placement dates, shares and prices are numbers, not text",
                _rule(f"{PLACEMENT_TEXT}>0"),
            ),
            Check(
                "CheckPlacementShares",
                "Placement shares are positive whole numbers",
                _rule("SUMPRODUCT(LedgerActive*(LedgerShares<=0))+SUM(LedgerFractional)>0"),
            ),
            Check(
                "CheckPlacementPrices",
                "Placement prices are positive",
                _rule("SUMPRODUCT((LedgerPrices<0)+LedgerActive*(LedgerPrices=0))>0"),
            ),
            Check(
                "CheckPlacementDates",
                "Placement trade dates on or after the document date",
                _rule("SUMPRODUCT(LedgerActive*(LedgerDates<DocumentDate))>0"),
            ),
            Check(
                "CheckProgrammeMax",
                "Cumulative gross within the programme maximum",
                "=" + _judged("TotalGross>ProgrammeMaximum"),
            ),
            Check(
                "CheckScenarioGross",
                "Scenario sizes and chart gross amounts within the programme maximum",
                "=" + _judged("MAX(ScenarioSizes,ChartGross)>ProgrammeMaximum"),
            ),
            Check("CheckOtherMaximum", "Other Agreement gross within its maximum", _rule("OtherGross>OtherMaximum")),
            Check(
                "CheckVotingShares",
                "Voting-agreement holders' shares within the shares outstanding",
                _rule("VotingHoldersShares>SharesOutstanding"),
            ),
        ),
    )
    results = CheckGroup(
        "ResultChecks",
        "The deal's rules (judged once every input rule above holds; n/a = not judged)",
        (
            Check(
                "CheckLedger",
                "Ledger commissions add up to the commission on the total",
                _result("ABS(LedgerCommissionTotal-TotalCommission)>EqualityTolerance"),
            ),
            Check(
                "CheckCap",
                Label("Compensation within the {CompensationCap:%} cap"),
                _result("CompensationHeadroom<0"),
            ),
            Check(
                "CheckNasdaq",
                Label("Shares sold below the minimum price within the {NasdaqLimit:%} limit"),
                _result("DiscountShares>NasdaqCapacity"),
            ),
            Check(
                "CheckRightsPlan",
                Label("Voting-agreement holders below the {RightsPlanTrigger:%} rights plan trigger"),
                _result("VotingHoldersOwnership>=RightsPlanTrigger"),
            ),
            Check(
                "CheckAgentOwnership",
                Label("Agent below the {DgclInterestedHolder:%} DGCL §203 interested-stockholder threshold"),
                _result("AgentOwnership>=DgclInterestedHolder"),
            ),
            Check(
                "CheckMinimumBid",
                "Share price at or above the listing's minimum bid",
                _result("SharePrice<NasdaqMinimumBid"),
            ),
            Check(
                "CheckRetainer",
                "Retainer allocated within the retainer and deposit",
                _result("RetainerAllocation>AdvisoryRetainer+AdvisoryDeposit+EqualityTolerance"),
            ),
            Check(
                "CheckCash",
                "Cash after the offering and the issuer's expenses not negative",
                _result("CashAfterOffering<0"),
            ),
        ),
    )
    errors = Check(
        "CheckErrors",
        "No calculation shows an error value that no check above explains",
        f'=IF(SUM(InputRules,CheckCash)>0,"{NOT_JUDGED}",'
        "IF(ISERROR(SUM({area:Calculations},{area:Conversions},{area:Scenarios})),1,0))",
    )
    return (rules, results, errors)
